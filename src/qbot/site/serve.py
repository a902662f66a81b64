"""`qbot site serve DIR`: the built site on loopback, with a question box answered by the engine.

A Starlette app (run by uvicorn) that serves the files of a site built by `qbot site build` and
answers questions the way `qbot ask --json` does, always as the public role (published data only):

* ``GET /api/ask?q=…`` -> the JSON of ``Answer.to_dict()``;
* ``GET /ask?q=…`` -> the answer as a page, for browsers without JavaScript.

Each client (its IP address; behind nginx on the same machine uvicorn takes it from
X-Forwarded-For) may ask at most ``rate`` questions (the `limits` package, a moving window);
beyond that the reply is HTTP 429 with a polite Chinese message. The knowledge base is opened
read-only and never served: only the files under DIR are, and DIR may not contain it.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
from limits import parse, storage, strategies
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from qbot.answering.engine import Conversation, Engine
from qbot.site.build import MARKER, SiteError

PUBLIC = "public"
MAX_QUERY = 1000
DEFAULT_RATE = "20/minute"
TOO_MANY = "提问太频繁了，请稍后再试。"
ASK_FORM = '<form class="ask" id="ask" '
HIDDEN = "hidden "


class SiteFiles(StaticFiles):
    """The site's files; in its HTML pages the question box is shown (a static host leaves it hidden)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        media = response.headers.get("content-type", "")
        full = getattr(response, "path", "")
        if response.status_code == 200 and media.startswith("text/html") and full:
            text = Path(full).read_text(encoding="utf-8")
            return HTMLResponse(text.replace(ASK_FORM + HIDDEN, ASK_FORM), headers=_security_headers())
        return response


def _security_headers() -> dict[str, str]:
    return {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                       "img-src 'self' data:"}  # charts are inline SVG with style attributes


def _check(site_dir: Path, db_path: Path) -> None:
    site, db = site_dir.resolve(), Path(db_path).resolve()
    if site in db.parents:
        raise SiteError("知识库在网站文件夹里面：为免把数据库公开到网上，请把网站生成到另一个文件夹。")
    if not (site_dir / MARKER).exists():
        raise SiteError(f"{site_dir} 不是 qbot site build 生成的网站，请先运行 qbot site build {site_dir}")


def create_app(site_dir: Path, db_path: Path, *, rate: str = DEFAULT_RATE) -> Starlette:
    """The web app serving `site_dir` and answering from the knowledge base at `db_path` (read-only)."""
    site_dir = Path(site_dir)
    _check(site_dir, db_path)
    engine = Engine.open(db_path)
    limit = parse(rate)
    limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
    pages = jinja2.Environment(loader=jinja2.PackageLoader("qbot.site", "templates"), autoescape=True)

    def admitted(request: Request) -> bool:
        client = request.client.host if request.client else "unknown"
        return limiter.hit(limit, "ask", client)

    def answer(request: Request) -> dict[str, object]:
        question = request.query_params.get("q", "")[:MAX_QUERY]
        # A fresh conversation per request: no follow-ups, nothing kept about the asker.
        return engine.ask(question, Conversation(), role=PUBLIC).to_dict()

    async def api_ask(request: Request) -> Response:
        if not admitted(request):
            return JSONResponse({"error": TOO_MANY}, status_code=429, headers={"Retry-After": "60"})
        body = json.dumps(answer(request), ensure_ascii=False)
        return Response(body, media_type="application/json; charset=utf-8", headers={"Cache-Control": "no-store"})

    async def ask_page(request: Request) -> Response:
        question = request.query_params.get("q", "")[:MAX_QUERY]
        if not admitted(request):
            result: dict[str, object] = {"status": "refused", "text": TOO_MANY}
            status = 429
        else:
            result, status = answer(request), 200
        html = pages.get_template("ask.html").render(question=question, answer=result)
        return HTMLResponse(html, status_code=status, headers=_security_headers())

    return Starlette(routes=[
        Route("/api/ask", api_ask, methods=["GET"]),
        Route("/ask", ask_page, methods=["GET"]),
        Mount("/", SiteFiles(directory=site_dir, html=True)),
    ])


def serve(site_dir: Path, db_path: Path, *, host: str = "127.0.0.1", port: int = 8000,
          rate: str = DEFAULT_RATE) -> None:
    """Run the app with uvicorn until SIGINT/SIGTERM."""
    import uvicorn

    app = create_app(site_dir, db_path, rate=rate)
    # No access log: its lines would hold the questions (the query string).
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", server_header=False)
