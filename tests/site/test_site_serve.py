"""`qbot site serve`: the built site with a question box answered by the engine as the public role."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from site_helpers import DRAFT_VALUE, PENDING_VALUE, Built
from starlette.testclient import TestClient

from qbot.answering.engine import Conversation, Engine
from qbot.site.build import SiteError
from qbot.site.serve import TOO_MANY, create_app


@pytest.fixture
def client(built: Built) -> TestClient:
    return TestClient(create_app(built.out, built.db, rate="50/minute"))


def test_api_ask_is_qbot_ask_json_as_the_public_role(client: TestClient, built: Built) -> None:
    engine = Engine.open(built.db)
    for question in ("汽修就业率", "各专业起薪", "2021年招生人数", "学费多少钱"):
        response = client.get("/api/ask", params={"q": question})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        assert response.json() == engine.ask(question, Conversation(), role="public").to_dict()
    draft = client.get("/api/ask", params={"q": "2021年招生人数"}).json()
    assert DRAFT_VALUE not in json.dumps(draft, ensure_ascii=False)  # the draft edition stays hidden
    assert DRAFT_VALUE[:-1] in json.dumps(Engine.open(built.db).ask("2021年招生人数", role="staff").to_dict(),
                                          ensure_ascii=False)  # (staff would see it)
    assert PENDING_VALUE not in client.get("/api/ask", params={"q": "数控技术应用就业率"}).text


def test_pages_are_served_with_the_question_box(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200
    assert '<form class="ask" id="ask" action="ask"' in home.text  # shown (a static host keeps it hidden)
    part = client.get("/2020/part-2.html")
    assert '<form class="ask" id="ask" action="../ask"' in part.text and 'data-api="../api/ask"' in part.text
    answer = client.get("/ask", params={"q": "汽修就业率"})
    assert answer.status_code == 200 and "98.99%" in answer.text and "<h1>问：汽修就业率</h1>" in answer.text
    assert client.get("/static/site.js").status_code == 200


def test_the_database_is_never_served(client: TestClient, built: Built) -> None:
    for path in ("/qbot.db", "/../qbot.db", "/%2e%2e/qbot.db", "/.qbot-site/../../qbot.db"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"SQLite format" not in response.content
    with pytest.raises(SiteError, match="知识库在网站文件夹里面"):
        create_app(built.out.parent, built.out.parent / "qbot.db")  # refuses a folder holding the database


def test_refuses_a_folder_that_is_not_a_built_site(tmp_path: Path, built: Built) -> None:
    with pytest.raises(SiteError, match="不是 qbot site build 生成的网站"):
        create_app(tmp_path, built.db)


def test_rate_limit_per_client(built: Built) -> None:
    client = TestClient(create_app(built.out, built.db, rate="3/minute"))
    codes = [client.get("/api/ask", params={"q": "汽修就业率"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/ask", params={"q": "汽修就业率"})
    assert refused.json() == {"error": TOO_MANY} and refused.headers["retry-after"]
    assert client.get("/ask", params={"q": "汽修就业率"}).status_code == 429
    assert client.get("/").status_code == 200  # the pages themselves are not limited
    other = TestClient(create_app(built.out, built.db, rate="3/minute"), client=("203.0.113.9", 5000))
    assert other.get("/api/ask", params={"q": "汽修就业率"}).status_code == 200


def test_cli_serves_on_loopback(built: Built) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "qbot", "site", "serve", str(built.out), "--db", str(built.db),
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        port = None
        deadline = time.monotonic() + 30
        lines = []
        while port is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            found = re.search(r"http://127\.0\.0\.1:(\d+)", line)
            port = int(found.group(1)) if found else None
        assert port, "".join(lines)
        response = httpx.get(f"http://127.0.0.1:{port}/api/ask", params={"q": "汽修就业率"}, timeout=10)
        assert response.json()["figures"][0]["display"] == "98.99%"
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=15)[0]
    assert proc.returncode in (0, -signal.SIGTERM), output  # uvicorn re-raises the signal once it has stopped
    assert "Finished server process" in output
    assert "汽修" not in output and "%E6" not in output  # questions are not logged
