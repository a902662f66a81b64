"""Headless Chromium for looking at the built site: screenshots and the DOM after scripts ran.

Used by the browser tests and by `docs/screenshots.py`. It needs Debian's `chromium` package
(`apt-get install -y chromium`); nothing is downloaded. Chromium runs with a fresh profile,
no network features and, through a fontconfig file of its own, the project's CJK font (the one
the charts use), so pages render the same on every machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from qbot.charts import font_path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
         "--force-device-scale-factor=1")
TIMEOUT = 60


class BrowserError(RuntimeError):
    """Chromium is missing or failed."""


def find_chromium() -> str | None:
    """The Chromium executable on PATH (QBOT_CHROMIUM overrides), or None."""
    wanted = os.environ.get("QBOT_CHROMIUM")
    if wanted:
        return shutil.which(wanted)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class Chromium:
    """One headless Chromium set-up: a temporary profile and font configuration, removed by close()."""

    def __init__(self, executable: str | None = None):
        self.executable = executable or find_chromium()
        if self.executable is None:
            raise BrowserError("找不到 Chromium：请安装 Debian 的 chromium 软件包（apt-get install -y chromium）")
        self.home = Path(tempfile.mkdtemp(prefix="qbot-chromium-"))
        fonts = self.home / "fonts.conf"
        fonts.write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
            f"  <dir>{font_path().parent}</dir>\n  <cachedir>{self.home / 'fontcache'}</cachedir>\n"
            "</fontconfig>\n", encoding="utf-8")
        self.env = {**os.environ, "FONTCONFIG_FILE": str(fonts), "HOME": str(self.home)}

    def close(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        profile = tempfile.mkdtemp(prefix="profile-", dir=self.home)
        command = [str(self.executable), *FLAGS, f"--user-data-dir={profile}", *args]
        try:
            done = subprocess.run(command, env=self.env, capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            raise BrowserError(f"Chromium did not finish within {TIMEOUT} s: {' '.join(args)}") from exc
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        if done.returncode != 0:
            raise BrowserError(f"Chromium failed ({done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}")
        return done

    def screenshot(self, url: str, out: Path, width: int, height: int) -> Path:
        """A PNG of the first `width` × `height` pixels of the page at `url`."""
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        self._run(f"--window-size={width},{height}", f"--screenshot={out}", "--virtual-time-budget=3000", url)
        if not out.exists():
            raise BrowserError(f"Chromium wrote no screenshot of {url}")
        return out

    def dom(self, url: str, width: int = 1280, height: int = 900) -> str:
        """The page's DOM as HTML once it loaded and its scripts ran."""
        done = self._run(f"--window-size={width},{height}", "--virtual-time-budget=3000", "--dump-dom", url)
        return done.stdout.decode("utf-8")
