"""Deployment as written: the built wheel works on its own, and deploy/ says what works."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
#: What a clean clone holds, nothing a local run left behind.
LEFT_BEHIND = shutil.ignore_patterns(".git", ".venv", "venv", "node_modules", "build", "dist", "*.egg-info",
                                     "__pycache__", ".pytest_cache", "*.db", "*.db-*", "*.key")


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_the_installed_wheel_ingests_and_answers_from_another_directory(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=LEFT_BEHIND)
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, source, cwd=tmp_path)
    [wheel] = wheels.glob("qbot-*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    run(venv / "bin" / "pip", "install", "-q", wheel, cwd=tmp_path)  # not editable, as deploy/README does
    shutil.rmtree(source)  # nothing of the checkout is left to lean on

    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    qbot = venv / "bin" / "qbot"
    ingested = run(qbot, "ingest", "--db", "qbot.db", cwd=elsewhere).stdout
    assert "已更新（报告年度：2020）" in ingested and "figures:" in ingested
    answer = json.loads(run(qbot, "ask", "--json", "--db", "qbot.db", "汽修专业就业率多少", cwd=elsewhere).stdout)
    assert answer["status"] == "answered" and "98.99%" in answer["text"]
    # Every knowledge file of the checkout is in the package, sub-folders included.
    shipped = run(venv / "bin" / "python", "-c",
                  "from qbot.config import DEFAULT_KNOWLEDGE as k; print(k); "
                  "print('\\n'.join(sorted(str(p.relative_to(k)) for p in k.rglob('*') if p.is_file())))",
                  cwd=elsewhere).stdout.splitlines()
    assert "site-packages" in shipped[0]
    expected = sorted(str(p.relative_to(REPO / "knowledge")) for p in (REPO / "knowledge").rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts)
    assert shipped[1:] == expected

    # QBOT_KNOWLEDGE: a school's own folder instead of the shipped one.
    own = tmp_path / "our-knowledge"
    shutil.copytree(REPO / "knowledge", own)
    table = own / "reports" / "2020" / "tables" / "table2.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",1884,", ",一千八,"), encoding="utf-8")
    env_run = subprocess.run([str(qbot), "ingest", "--db", "own.db"], cwd=elsewhere, capture_output=True, text=True,
                             env={"PATH": "/usr/bin:/bin", "QBOT_KNOWLEDGE": str(own)}, timeout=300)
    assert env_run.returncode == 1 and "table2.csv:4" in env_run.stderr, env_run  # it read that folder


def test_the_env_example_leaves_the_images_database_path_alone() -> None:
    settings = [line.split("=", 1)[0] for line in (DEPLOY / "qbot.env.example").read_text().splitlines()
                if re.match(r"[A-Z_]+=", line)]
    assert settings == ["TELEGRAM_BOT_TOKEN"]  # all else commented out: docker's ENV QBOT_DB=/data/qbot.db holds
    assert "ENV" in (DEPLOY / "Dockerfile").read_text() and "QBOT_DB=/data/qbot.db" in (DEPLOY / "Dockerfile").read_text()


def test_the_systemd_header_creates_etc_qbot_before_installing_the_env_file() -> None:
    header = [line for line in (DEPLOY / "qbot.service").read_text().splitlines() if line.startswith("#")]
    made = next(i for i, line in enumerate(header) if re.search(r"install -d\b.*/etc/qbot\b", line))
    installed = next(i for i, line in enumerate(header) if "/etc/qbot/qbot.env" in line)
    assert made < installed


def test_the_nginx_snippet_uses_no_directive_newer_than_debian_stable() -> None:
    readme = (DEPLOY / "README.md").read_text()
    snippets = re.findall(r"```nginx\n(.*?)```", readme, re.S)
    # `http2 on;` needs nginx 1.25.1; Debian 12's nginx is 1.22 (checked there with `nginx -t`).
    assert snippets and not any(re.search(r"^\s*http2\s+on\s*;", s, re.M) for s in snippets)
    bot = [s for s in snippets if "proxy_pass http://127.0.0.1:8443;" in s]
    assert len(bot) == 1 and "listen 443 ssl" in bot[0]
