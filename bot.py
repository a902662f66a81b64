#!/usr/bin/env python3
"""Run the qbot Telegram bot: `python bot.py`.

Long polling by default; a webhook server when QBOT_WEBHOOK_URL is set. Configuration comes
from the environment or a `.env` file in the working directory (see deploy/qbot.env.example).
Stops cleanly on SIGINT/SIGTERM. Everything else lives in qbot.telegram.app.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run from a checkout without installing the package.
_SRC = Path(__file__).resolve().parent / "src"
if _SRC.is_dir() and str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))

from qbot.telegram.app import main  # noqa: E402
from qbot.telegram.logsafety import configure_logging  # noqa: E402

if __name__ == "__main__":
    configure_logging()
    sys.exit(main())
