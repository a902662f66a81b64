"""Settings from the environment (and an optional `.env` file in the working directory)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from dotenv import load_dotenv

from qbot.journal import DEFAULT_ZONE, ZONE_SETTING, zone_named

DEFAULT_DB = "qbot.db"
def _shipped_knowledge() -> Path:
    """The knowledge files shipped with qbot: package data of an installed wheel (`qbot/knowledge`, read with
    importlib.resources), else — an editable install, a checkout — the repository's `knowledge/`."""
    packaged = resources.files("qbot") / "knowledge"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "knowledge"


#: The knowledge files qbot is built from unless QBOT_KNOWLEDGE (or --knowledge) names a school's own folder.
DEFAULT_KNOWLEDGE = _shipped_knowledge()


class ConfigError(Exception):
    """A setting is missing or malformed; the message is safe to show (no secrets)."""


def _int_list(raw: str, name: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise ConfigError(f"{name} 应为逗号分隔的 Telegram 数字用户 ID，无法识别：{part!r}")
        ids.add(int(part))
    return frozenset(ids)


@dataclass(frozen=True)
class Settings:
    db_path: Path = Path(DEFAULT_DB)
    knowledge_dir: Path = DEFAULT_KNOWLEDGE
    token: str | None = field(default=None, repr=False)
    api_base_url: str | None = None
    file_base_url: str | None = None
    admins: frozenset[int] = frozenset()
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)
    #: QBOT_SELF_APPROVAL: sole (an admin approves their own correction only without another admin) | never | always
    self_approval: str = "sole"
    #: QBOT_LOG_DAYS: days the question log keeps a question (0: for ever)
    log_days: int = 365

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, *, dotenv: bool = True) -> Settings:
        """Read settings from `env` (default: `os.environ`, after loading `.env`)."""
        if env is None:
            if dotenv:
                load_dotenv(Path.cwd() / ".env", override=False)
            env = dict(os.environ)
        port = env.get("QBOT_WEBHOOK_PORT", "8443")
        if not port.isdigit():
            raise ConfigError(f"QBOT_WEBHOOK_PORT 应为端口号，无法识别：{port!r}")
        try:
            zone_named(env.get(ZONE_SETTING) or DEFAULT_ZONE)
        except ValueError as exc:
            raise ConfigError(f"{ZONE_SETTING}: {exc}") from None
        self_approval = (env.get("QBOT_SELF_APPROVAL") or "sole").strip().lower()
        if self_approval not in ("sole", "never", "always"):
            raise ConfigError(f"QBOT_SELF_APPROVAL 应为 sole、never 或 always，无法识别：{self_approval!r}")
        log_days = (env.get("QBOT_LOG_DAYS") or "365").strip()
        if not log_days.isdigit():
            raise ConfigError(f"QBOT_LOG_DAYS 应为天数（0 表示永久保留），无法识别：{log_days!r}")
        return cls(
            self_approval=self_approval,
            log_days=int(log_days),
            db_path=Path(env.get("QBOT_DB") or DEFAULT_DB),
            knowledge_dir=Path(env.get("QBOT_KNOWLEDGE") or DEFAULT_KNOWLEDGE),
            token=env.get("TELEGRAM_BOT_TOKEN") or None,
            api_base_url=env.get("TELEGRAM_API_BASE_URL") or None,
            file_base_url=env.get("TELEGRAM_FILE_BASE_URL") or None,
            admins=_int_list(env.get("QBOT_ADMINS", ""), "QBOT_ADMINS"),
            webhook_url=env.get("QBOT_WEBHOOK_URL") or None,
            webhook_listen=env.get("QBOT_WEBHOOK_LISTEN") or "127.0.0.1",
            webhook_port=int(port),
            webhook_secret=env.get("QBOT_WEBHOOK_SECRET") or None,
        )
