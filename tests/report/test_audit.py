"""`qbot audit`: every total and ratio checked against its parts; the report's real inconsistencies found."""

from __future__ import annotations

import json

from click.testing import CliRunner

from qbot.cli import cli
from qbot.config import DEFAULT_KNOWLEDGE
from qbot.report.audit import read_checks, run_audit, within_rounding

CHECKS = DEFAULT_KNOWLEDGE / "reports" / "2020" / "checks.toml"


def test_table_totals_and_rates_are_all_checked(engine) -> None:
    checks = run_audit(engine.figures)
    names = {c.name for c in checks}
    for table, metric in [(2, "培训人数"), (3, "数量"), (3, "金额"), (4, "毕业人数"), (4, "就业人数"),
                          (4, "对口就业人数"), (6, "金额"), (6, "数量"), (7, "培训人次")]:
        assert f"表{table} {metric}合计" in names
    rates = [c for c in checks if c.kind == "rate"]
    assert len(rates) == 2 * 23  # 22 majors and the total row, two rates each
    assert all(c.ok for c in checks)  # the tables themselves add up


def test_findings_are_the_reports_real_inconsistencies(engine) -> None:
    findings = {c.name: c for c in run_audit(engine.figures, read_checks(CHECKS)) if not c.ok}
    assert set(findings) == {"“双师型”教师占比", "副高级职称占比", "金蓝领技能鉴定合格率",
                             "结题课题 = 省级 + “省级”（三(二)3 的写法）"}
    assert findings["“双师型”教师占比"].computed == "60.00%"
    assert findings["金蓝领技能鉴定合格率"].computed == "95.42%"


def test_rounding_tolerance() -> None:
    assert within_rounding(98.78, "98.78", 100 * 81 / 82) == (True, "")
    assert within_rounding(78, "78", 77.995)[0]
    assert within_rounding(19.3, "19.3", 19.368)[0]  # truncated, within the last printed digit
    assert not within_rounding(90, "90", 95.42)[0]


def test_cli_prints_checks_and_exits_zero_with_findings(kb_path) -> None:
    result = CliRunner().invoke(cli, ["audit", "--db", str(kb_path), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) > 60 and any(not r["ok"] for r in rows)
    assert all(r["sources"] for r in rows)


def test_cli_fails_on_a_broken_knowledge_base(tmp_path) -> None:
    (tmp_path / "bad.db").write_bytes(b"this is not a database" * 100)
    result = CliRunner().invoke(cli, ["audit", "--db", str(tmp_path / "bad.db")])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
