"""Build step of the wheel: ship the repository's knowledge/ inside the package, as qbot/knowledge.

Everything else is configured in pyproject.toml. knowledge/ at the repository root stays the one
source of truth (every file and sub-folder in it is shipped); an editable install reads it in place
(see qbot.config.DEFAULT_KNOWLEDGE).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

KNOWLEDGE = Path(__file__).resolve().parent / "knowledge"


class BuildWithKnowledge(build_py):
    """build_py, plus a copy of knowledge/ as package data of qbot."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's knowledge/ directly
        target = Path(self.build_lib) / "qbot" / "knowledge"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(KNOWLEDGE, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        root = Path(self.build_lib) / "qbot" / "knowledge"
        return outputs + [str(root / p.relative_to(KNOWLEDGE)) for p in KNOWLEDGE.rglob("*") if p.is_file()]


setup(cmdclass={"build_py": BuildWithKnowledge})
