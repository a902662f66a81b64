"""`qbot audit`: check every total and ratio the report states against its parts.

Two kinds of checks:

* automatic ones from the tables: every printed total row against the sum of its rows,
  and every rate of 表4 against its counts;
* declared ones from `checks.toml` in the edition folder (ingest stores them in the knowledge
  base), for figures of the prose (a total and its parts, a percentage and its counts, a growth
  rate), each naming figures as `entity/metric` or `entity/metric/key=value;key=value`.

The inconsistent checks are candidates for corrections in the next edition; the answering engine
also shows a check when a question asks whether a figure agrees with its parts (对得上吗).
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from qbot.answering.figure import Fig, number

#: The kinds of declared check, as checks.toml lists them, and the references each entry names.
DECLARED = {"sum": ("total", "parts"), "ratio": ("value", "numerator", "denominator", "denominators"),
            "growth": ("value", "new", "old", "increase")}

#: Table rates and the counts they are computed from.
TABLE_RATES = {"就业率": ("就业人数", "毕业人数"), "对口就业率": ("对口就业人数", "毕业人数")}


class AuditError(Exception):
    """checks.toml names a figure the knowledge base does not have."""


@dataclass
class Check:
    name: str
    kind: str  # "total" | "rate" | "sum" | "ratio" | "growth"
    stated: str
    computed: str
    ok: bool
    sources: list[str] = field(default_factory=list)
    detail: str = ""
    figure_id: str = ""  # the stated figure (a correction would target it)
    computed_value: float | None = None
    part_ids: tuple[str, ...] = ()  # the figures it is computed from (a table's rows are not listed)

    @property
    def figure_ids(self) -> tuple[str, ...]:
        """The stated figure and those it is computed from."""
        return (self.figure_id, *self.part_ids)

    def render(self) -> str:
        mark = "✓ 一致" if self.ok else "✗ 不一致"
        line = f"[{mark}] {self.name}：报告为 {self.stated}，按其组成计算为 {self.computed}"
        if self.detail:
            line += f"（{self.detail}）"
        return line + "\n    来源：" + "；".join(self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "ok": self.ok, "stated": self.stated,
                "computed": self.computed, "detail": self.detail, "sources": self.sources,
                "figure_id": self.figure_id}


def decimals(raw: str) -> int:
    return len(raw.split(".")[1]) if "." in raw else 0


def within_rounding(stated: float, raw: str, computed: float) -> tuple[bool, str]:
    """Is `computed` what `stated` (printed as `raw`) rounds or truncates to?"""
    step = 10 ** -decimals(raw)
    diff = abs(computed - stated)
    if diff <= step / 2 + 1e-9:
        return True, ""
    if diff < step + 1e-9:
        return True, "差异在末位舍入范围内"
    return False, f"相差 {number(computed - stated, 4)}"


def _where(fig: Fig) -> str:
    where = f"表{fig.table_no}" if fig.table_no else fig.section_path
    page = f" 第{fig.page}页" if fig.page else ""
    return f"{where}{page}「{fig.quote}」"


def table_checks(figures: list[Fig]) -> list[Check]:
    """Totals of every table with a total row, and 表4's rates against its counts."""
    checks: list[Check] = []
    by_table: dict[int, list[Fig]] = defaultdict(list)
    for fig in figures:
        if fig.table_no:
            by_table[fig.table_no].append(fig)
    for table_no, figs in sorted(by_table.items()):
        totals = [f for f in figs if f.entity_type == "total"]
        rows = [f for f in figs if f.entity_type != "total"]
        for total in totals:
            parts = [f for f in rows if f.metric == total.metric and f.reading in (0, 1)]
            if total.metric in TABLE_RATES:
                continue
            if total.metric == "数量" and total.unit == "套" and len({f.entity for f in parts}) == total.value:
                computed, detail = float(len(parts)), "合计行的数量为项目个数"
            else:
                computed, detail = sum(f.value for f in parts), f"{len(parts)}行相加"
            ok, why = within_rounding(total.value, total.raw, computed)
            uncertain = [f.entity for f in parts if f.uncertain]
            if uncertain:
                detail = "；".join(filter(None, [detail, f"含不确定数值：{'、'.join(uncertain)}"]))
            checks.append(Check(
                f"表{table_no} {total.metric}合计", "total", f"{total.raw}{total.unit}",
                f"{number(computed, 3)}{total.unit}", ok, [f"表{table_no} {total.table_title} 第{total.page}页"],
                "；".join(filter(None, [detail, why])), total.id, computed,
            ))
        index = {(f.entity, f.metric): f for f in figs}
        for fig in figs:
            if fig.metric not in TABLE_RATES:
                continue
            top, bottom = (index.get((fig.entity, m)) for m in TABLE_RATES[fig.metric])
            if not top or not bottom or not bottom.value:
                continue
            computed = 100 * top.value / bottom.value
            ok, why = within_rounding(fig.value, fig.raw, computed)
            restored = "（含补全的数值）" if top.restored else ""
            checks.append(Check(
                f"表{table_no} {fig.entity} {fig.metric}", "rate", f"{fig.raw}%", f"{computed:.2f}%", ok,
                [f"表{table_no} {fig.table_title} 第{fig.page}页"],
                f"{top.metric} {top.raw} ÷ {bottom.metric} {bottom.raw}{restored}" + (f"；{why}" if why else ""),
                fig.id, computed, (top.id, bottom.id),
            ))
    return checks


class Named(Protocol):
    """What a reference is resolved against: an answering Fig, or a Figure of an edition being validated."""

    entity: str
    metric: str
    table_no: int | None
    qualifiers: dict[str, str]


class _Resolver:
    """Finds the figure a checks.toml reference names: `[表N:]entity/metric[/key=value;…]`."""

    def __init__(self, figures: Sequence[Any]):
        self.figures = figures

    def __call__(self, ref: str) -> Any:
        table, _, rest = ref.rpartition(":") if ref.startswith("表") else ("", "", ref)
        entity, _, rest = rest.partition("/")
        metric, _, quals = rest.partition("/")
        wanted = dict(p.split("=", 1) for p in quals.split(";") if p) if quals else {}
        matches = [f for f in self.figures if f.entity == entity and f.metric == metric
                   and (not table or f"表{f.table_no}" == table)
                   and {k: v for k, v in f.qualifiers.items() if k != "approx"} == wanted]
        if not matches:
            raise AuditError(f"checks.toml：知识库中没有数据 {ref!r}")
        return matches[0]


def read_checks(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The declared checks of a checks.toml file ({} when there is none)."""
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def unresolved(figures: Sequence[Named], spec: Mapping[str, Any]) -> list[str]:
    """What is wrong with declared checks: unknown kinds, entries without a name, references to no figure."""
    problems = [f"未知的核对类型 [[{kind}]]" for kind in spec if kind not in DECLARED]
    resolve = _Resolver(figures)
    for kind, keys in DECLARED.items():
        for entry in spec.get(kind, []):
            if not isinstance(entry, dict) or not entry.get("name"):
                problems.append(f"[[{kind}]] 的一项缺少 name")
                continue
            refs = [r for key in keys for r in ([entry[key]] if isinstance(entry.get(key), str)
                                                 else entry.get(key) or [])]
            for ref in refs:
                try:
                    resolve(ref)
                except AuditError as exc:
                    problems.append(f"{entry['name']}：{exc}")
    return problems


def declared_checks(figures: list[Fig], spec: Mapping[str, Any]) -> list[Check]:
    """Checks of the prose declared in checks.toml (as read by read_checks)."""
    resolve = _Resolver(figures)
    checks = []
    for entry in spec.get("sum", []):
        total = resolve(entry["total"])
        parts = [resolve(r) for r in entry["parts"]]
        computed = sum(p.value for p in parts)
        ok, why = within_rounding(total.value, total.raw, computed)
        checks.append(Check(
            entry["name"], "sum", f"{total.raw}{total.unit}", f"{number(computed, 3)}{total.unit}", ok,
            _unique([_where(total), *(_where(p) for p in parts)]),
            " + ".join(f"{p.metric}{_quals(p)} {p.raw}" for p in parts) + (f"；{why}" if why else ""),
            total.id, computed, tuple(p.id for p in parts),
        ))
    for entry in spec.get("ratio", []):
        stated = resolve(entry["value"])
        top = resolve(entry["numerator"])
        bottoms = [resolve(r) for r in entry.get("denominators", [entry.get("denominator")]) if r]
        bottom_value = sum(b.value for b in bottoms)
        scale = float(entry.get("scale", 100))
        computed = scale * top.value / bottom_value if bottom_value else float("nan")
        ok, why = within_rounding(stated.value, stated.raw, computed)
        shown = f"{computed:.2f}{stated.unit}" if scale == 100 else f"{number(computed, 2)}{stated.unit}"
        checks.append(Check(
            entry["name"], "ratio", f"{stated.raw}{stated.unit}", shown, ok,
            _unique([_where(stated), _where(top), *(_where(b) for b in bottoms)]),
            f"{top.metric}{_quals(top)} {top.raw} ÷ " + " + ".join(f"{b.metric}{_quals(b)} {b.raw}" for b in bottoms)
            + (f"；{entry['note']}" if entry.get("note") else "") + (f"；{why}" if why else ""),
            stated.id, computed, (top.id, *(b.id for b in bottoms)),
        ))
    for entry in spec.get("growth", []):
        stated, new = resolve(entry["value"]), resolve(entry["new"])
        if "old" in entry:
            old = resolve(entry["old"])
            base, base_text, other = old.value, f"{old.metric}{_quals(old)} {old.raw}", old
        else:
            other = resolve(entry["increase"])
            base, base_text = new.value - other.value, f"({new.raw} − {other.raw})"
        computed = 100 * (new.value - base) / base
        ok, why = within_rounding(stated.value, stated.raw, computed)
        checks.append(Check(
            entry["name"], "growth", f"{stated.raw}%", f"{computed:.2f}%", ok,
            _unique([_where(stated), _where(new)]),
            f"({new.raw} − {number(base)}) ÷ {base_text}" + (f"；{why}" if why else ""), stated.id, computed,
            (new.id, other.id),
        ))
    return checks


def _quals(fig: Fig) -> str:
    shown = [v for k, v in sorted(fig.qualifiers.items()) if k not in ("approx",)]
    return f"（{' '.join(shown)}）" if shown else ""


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def run_audit(figures: list[Fig], spec: Mapping[str, Any] | None = None) -> list[Check]:
    """All checks, table checks first, then those `spec` declares (see read_checks)."""
    return table_checks(figures) + (declared_checks(figures, spec) if spec else [])
