"""Table contracts: the one place a table's headers, types and OBEC rules are declared.

Each `<table>.yaml` beside this file implements a section of ../shared/DATA_CONTRACT.md. Ingest matches
headers with `Column.aliases`, casting reads `Column.type`, expectation suites are generated from
`Contract.checks`, marts/exports/dashboards take labels from here. Nothing else restates a header or
a rule. Group columns (a merged two-row header: item above, sub-columns below) and `for_each` rules are
expanded here, so consumers only ever see flat columns and flat checks.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONTRACT_DIR = Path(__file__).parent
SEVERITIES = ("quarantine", "flag")


@dataclass(frozen=True)
class ListItem:
    key: str
    th: str
    en: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Column:
    name: str
    th: str
    en: str
    type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int | None = None
    list: str | None = None
    max_length: int | None = None  # longest value accepted (FMT-04); default by type from _common.yaml
    plausible: bool = True  # dates: outside 2560-2575 BE is unreadable (FMT-01); False: a rule judges the range
    warn_ce: bool | None = None  # dates: a CE year is converted and warned (FMT-02); machine exports write CE
    blank: bool | None = None  # bool columns ticked ✓ or left blank: what a blank cell means (else unknown)
    # For group columns (merged two-row header) the group (item) and sub-column it came from.
    group: ListItem | None = None
    sub: ListItem | None = None
    group_list: str | None = None  # the list the group's items come from (rules and derives name it)

    @property
    def header_th(self) -> str:
        """The Thai header written in exports and templates: `group - sub` for group columns."""
        return f"{self.group.th} - {self.sub.th}" if self.group and self.sub else self.th


@dataclass(frozen=True)
class Attention:
    """When a rule's result needs a person (its Dagster asset check fails) rather than being a finding.

    `any`: one failing row is enough (e.g. an unknown school in the office's own allocation register).
    Otherwise a file needs a person when at least `file_share` of its rows (and at least `min_rows`
    rows) break the rule: a wrong template or a systematic error, not a few mistyped cells. `never`:
    the rule's results are findings only (flags meant for review).
    """

    any: bool = False
    file_share: float | None = None
    min_rows: int = 1
    never: bool = False

    @classmethod
    def parse(cls, raw: dict | None, default: "Attention") -> "Attention":
        if raw is None:
            return default
        unknown = set(raw) - {"any", "file_share", "min_rows", "never"}
        if unknown:
            raise ValueError(f"attention: unknown keys {sorted(unknown)}")
        return cls(**raw)

    def describe(self) -> str:
        if self.never:
            return "never (findings only)"
        if self.any:
            return "any failing row"
        return f"a file with ≥ {self.file_share:.0%} of its rows and ≥ {self.min_rows} rows failing"


@dataclass(frozen=True)
class Check:
    """One rule (or one item of a `for_each` rule) with the GX expectations that implement it."""

    rule_id: str
    severity: str
    th: str  # message template; `{column}` placeholders are filled from the row
    en: str
    expectations: tuple[dict[str, Any], ...]
    variant: str | None = None  # the item key for per-item rules
    attention: Attention = field(default_factory=Attention)

    @property
    def check_name(self) -> str:
        return self.rule_id.replace("-", "_")

    @property
    def key(self) -> str:
        """Identifies one rule, or one item of a per-item rule: `DLTV-01:dish`."""
        return f"{self.rule_id}:{self.variant}" if self.variant else self.rule_id


@dataclass(frozen=True)
class Coverage:
    """Every school of the register's `population` (SQL over `schools`) has a row for each period, and
    with `per` (a column such as semester) for each of its `values` within the period."""

    id: str
    th: str
    en: str
    population: str
    per: str | None = None
    values: tuple = ()

    def __post_init__(self) -> None:
        if bool(self.per) != bool(self.values):
            raise ValueError(f"coverage {self.id}: `per` and `values` go together")


@dataclass(frozen=True)
class Partition:
    """Storage partitions of an incremental table: `by` (month) of a date or datetime `column`."""

    column: str
    by: str = "month"

    def __post_init__(self) -> None:
        if self.by != "month":
            raise ValueError(f"partition by {self.by!r}: only 'month' is supported")


@dataclass(frozen=True)
class ExportSpec:
    """What the OBEC export of a table publishing only aggregates cuts: a mart, by its period column,
    with its own Thai headers (a table's rows would carry personal data, even hashed)."""

    table: str
    period: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]


LOADS, SUPERSEDES, PUBLISHES = ("whole", "incremental"), ("key", "file"), ("rows", "aggregates")


@dataclass(frozen=True, eq=False)  # identity hash: contracts() is cached, one object per table
class Contract:
    table: str
    th: str
    en: str
    section: str
    kind: str  # "register" or "survey"
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    order_by: tuple[str, ...] = ()
    period: str | None = None
    personal: tuple[str, ...] = ()
    enrich: tuple[str, ...] = ()
    derive: dict[str, str] = field(default_factory=dict)  # helper columns for checks only
    computed: dict[str, str] = field(default_factory=dict)  # derived columns stored with the table
    checks: tuple[Check, ...] = ()
    coverage: tuple[Coverage, ...] = ()
    attention: dict = field(default_factory=dict)  # per-severity defaults for this table's rules
    # "whole": every night validates the table's rows together (survey sheets: small, cross-file rules).
    # "incremental": each landing file is parsed and validated once, by its sha256 (platform exports).
    load: str = "whole"
    partition: Partition | None = None  # how incremental storage is split (by month of a date column)
    supersede: str = "key"  # "key": later row per `key` wins; "file": a file's new content replaces its old
    publish: str = "rows"  # "aggregates": rows stay in the lake; versions hold marts, quarantine, accounting
    pseudonymise: tuple[str, ...] = ()  # PII-01: replaced by a keyed hash before leaving landing/
    # identifiers checked as written, before they are hashed (PER-02: `citizen_id: th_pin`, the 13 digits
    # and their mod-11 check digit): the result travels as `_<column>_valid`, the written value never does
    check_before_hashing: dict = field(default_factory=dict)
    landing_only: tuple[str, ...] = ()  # PII-02: read for checks, never stored past landing/ (staff names)
    parameters: dict = field(default_factory=dict)  # fixed values the rules name as {$PARAMETER: name}
    export: ExportSpec | None = None  # for `publish: aggregates`: the mart its OBEC export cuts
    sheet: str | None = None  # the data sheet's name in the blank template (Excel: ≤ 31 characters); default `th`, cut

    def attention_for(self, rule_id: str) -> Attention:
        """When `rule_id` (a parse-level rule or one of this table's) needs a person on this table."""
        if rule_id in parse_rules():
            return Attention.parse(None, default_attention(parse_rules()[rule_id].severity, self.attention))
        return self.rule(rule_id).attention

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    @property
    def hidden_columns(self) -> set[str]:
        """Personal data, raw or hashed: `personal`, `pseudonymise` and `landing_only` columns. No reader,
        export or template shows them as anything but personal."""
        return {*self.personal, *self.pseudonymise, *self.landing_only}

    @property
    def public_columns(self) -> list[Column]:
        """Columns that may leave the warehouse: everything but `hidden_columns`."""
        hidden = self.hidden_columns
        return [c for c in self.columns if c.name not in hidden]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.table} has no column {name!r}")

    @property
    def rule_ids(self) -> list[str]:
        return list(dict.fromkeys(c.rule_id for c in self.checks))

    def rule(self, rule_id: str) -> Check:
        """The first check of a rule: its severity and (unexpanded-item) message."""
        return next(c for c in self.checks if c.rule_id == rule_id)


def _items(raw: list[dict]) -> tuple[ListItem, ...]:
    return tuple(
        ListItem(key=str(i["key"]), th=i["th"], en=i["en"], aliases=tuple(map(str, i.get("aliases", ()))))
        for i in raw
    )


def _fill(value: Any, mapping: dict[str, str]) -> Any:
    """Substitute `{item}`-style placeholders in every string of a YAML structure."""
    if isinstance(value, str):
        for k, v in mapping.items():
            value = value.replace("{" + k + "}", v)
        return value
    if isinstance(value, list):
        return [_fill(v, mapping) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, mapping) for k, v in value.items()}
    return value


@functools.cache
def common() -> dict[str, Any]:
    return yaml.safe_load((CONTRACT_DIR / "_common.yaml").read_text(encoding="utf-8"))


@functools.cache
def lists() -> dict[str, tuple[ListItem, ...]]:
    return {name: _items(raw) for name, raw in common()["lists"].items()}


@functools.cache
def formula_errors() -> tuple[str, ...]:
    """Cell texts that are a failed formula (`#REF!`, `#DIV/0!`, ...): FMT-03."""
    return tuple(map(str, common()["formula_errors"]))


def default_max_length(col_type: str) -> int | None:
    return common()["max_length"].get(col_type)


def default_attention(severity: str, table_default: dict | None = None) -> Attention:
    """The `attention:` of a rule that declares none: its table's, else _common.yaml's by severity."""
    base = Attention.parse(common()["attention"][severity], Attention())
    return Attention.parse(table_default.get(severity) if table_default else None, base)


@functools.cache
def parse_rules() -> dict[str, Check]:
    """FMT-01..04, REQ-01: decided while casting, before any expectation runs."""
    return {
        r["id"]: Check(rule_id=r["id"], severity=r["severity"], th=r["th"], en=r["en"], expectations=(),
                       attention=Attention.parse(r.get("attention"), default_attention(r["severity"])))
        for r in common()["rules"]
    }


def _columns(raw: list[dict]) -> list[Column]:
    out: list[Column] = []
    for c in raw:
        if "group" in c:
            for g in lists()[c["group"]]:
                for s in lists()[c["sub"]]:
                    out.append(
                        Column(
                            name=_fill(c["name"], {"item": g.key, "sub": s.key}),
                            th=s.th,
                            en=f"{g.en} {s.en}",
                            type=c["type"],
                            required=bool(c.get("required", False)),
                            max_length=c.get("max_length", default_max_length(c["type"])),
                            group=g,
                            sub=s,
                            group_list=c["group"],
                        )
                    )
        else:
            out.append(
                Column(
                    name=c["name"],
                    th=c["th"],
                    en=c["en"],
                    type=c["type"],
                    required=bool(c.get("required", False)),
                    aliases=tuple(map(str, c.get("aliases", ()))),
                    width=c.get("width"),
                    list=c.get("list"),
                    max_length=c.get("max_length", default_max_length(c["type"])),
                    plausible=bool(c.get("plausible", True)),
                    warn_ce=bool(c.get("warn_ce", c["type"] != "datetime")),
                    blank=c.get("blank"),
                )
            )
    return out


def _expand_expectations(raw: list[dict], groups: dict[str, list[str]] | None = None) -> list[dict]:
    out = []
    for e in raw:
        e = copy.deepcopy(e)
        if isinstance(e.get("value_set"), dict) and "$LIST" in e["value_set"]:
            e["value_set"] = [i.key for i in lists()[e["value_set"]["$LIST"]]]
        if isinstance(e.get("columns"), dict) and "$GROUP" in e["columns"]:  # every column of a group
            e["columns"] = (groups or {})[e["columns"]["$GROUP"]]
        if "columns" in e:
            for col in e.pop("columns"):
                out.append({**e, "column": col})
        else:
            out.append(e)
    return out


def _checks(raw: list[dict], table_attention: dict | None = None,
            groups: dict[str, list[str]] | None = None) -> list[Check]:
    out: list[Check] = []
    for r in raw:
        if r["severity"] not in SEVERITIES:
            raise ValueError(f"rule {r['id']}: severity must be one of {SEVERITIES}")
        attention = Attention.parse(r.get("attention"), default_attention(r["severity"], table_attention))
        variants = lists()[r["for_each"]] if "for_each" in r else [None]
        for v in variants:
            mapping = {"item": v.key, "item_th": v.th, "item_en": v.en} if v else {}
            out.append(
                Check(
                    rule_id=r["id"],
                    severity=r["severity"],
                    th=_fill(r["th"], mapping),
                    en=_fill(r["en"], mapping),
                    expectations=tuple(_expand_expectations(_fill(r["expect"], mapping), groups)),
                    variant=v.key if v else None,
                    attention=attention,
                )
            )
    return out


SUM_OF = re.compile(r"SUM_OF\((\w+)\)")


def _derive(raw: dict[str, str], groups: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Derived columns; `SUM_OF(<group>)` stands for the sum of that group's columns, a blank cell counting as
    none (a school that teaches no ม.1 leaves it blank)."""
    out: dict[str, str] = {}
    raw = {name: SUM_OF.sub(lambda m: "(" + " + ".join(f"coalesce({c}, 0)" for c in (groups or {})[m.group(1)]) + ")", expr)
           for name, expr in raw.items()}
    for name, expr in raw.items():
        if "{item}" in name:
            for item in lists()["dltv_items"]:
                out[_fill(name, {"item": item.key})] = _fill(expr, {"item": item.key})
        else:
            out[name] = expr
    return out


SHEET_NAME_MAX = 31  # Excel's limit on a sheet name
SHEET_NAME_FORBIDDEN = set("[]:*?/\\")


def _sheet(raw: dict) -> str | None:
    """`sheet:`, a name Excel accepts for a sheet: 1-31 characters, none of [ ] : * ? / \\, no ' at either end."""
    name = raw.get("sheet")
    if name is None:
        return None
    name = str(name)
    if not 0 < len(name) <= SHEET_NAME_MAX or SHEET_NAME_FORBIDDEN & set(name) or name[0] == "'" or name[-1] == "'":
        raise ValueError(f"{raw['table']}: sheet {name!r} is not an Excel sheet name "
                         f"(1-{SHEET_NAME_MAX} characters, none of [ ] : * ? / \\, no ' at either end)")
    return name


def _choice(raw: dict, name: str, allowed: tuple[str, ...]) -> str:
    value = raw.get(name, allowed[0])
    if value not in allowed:
        raise ValueError(f"{raw['table']}: {name} must be one of {allowed}, not {value!r}")
    return value


IDENTIFIER_CHECKS = ("th_pin",)  # pipelines.pii.IDENTIFIERS


def _identifier_checks(raw: dict) -> dict[str, str]:
    checks = dict(raw.get("check_before_hashing", {}))
    for column, kind in checks.items():
        if kind not in IDENTIFIER_CHECKS or column not in raw.get("pseudonymise", ()):
            raise ValueError(f"{raw['table']}: check_before_hashing {column}: {kind!r} must be one of "
                             f"{IDENTIFIER_CHECKS}, on a column that is hashed (pseudonymise)")
    return checks


def _load(path: Path) -> Contract:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    load = _choice(raw, "load", LOADS)
    if load == "incremental" and not raw.get("partition"):
        raise ValueError(f"{raw['table']}: an incremental table needs `partition:`")
    if raw.get("publish") == "aggregates" and raw.get("period") and not raw.get("export"):
        raise ValueError(f"{raw['table']}: a table publishing aggregates needs `export:` (the mart OBEC gets)")
    columns = _columns(raw["columns"])
    groups: dict[str, list[str]] = {}
    for col in columns:
        if col.group_list:
            groups.setdefault(col.group_list, []).append(col.name)
    return Contract(
        table=raw["table"],
        th=raw["th"],
        en=raw["en"],
        section=str(raw["section"]),
        kind=raw["kind"],
        columns=tuple(columns),
        key=tuple(raw["key"]),
        order_by=tuple(raw.get("order_by", ())),
        period=raw.get("period"),
        personal=tuple(raw.get("personal", ())),
        enrich=tuple(raw.get("enrich", ())),
        derive=_derive(raw.get("derive", {}), groups),
        computed=dict(raw.get("computed", {})),
        checks=tuple(_checks(raw.get("rules", []), raw.get("attention"), groups)),
        attention=raw.get("attention") or {},
        coverage=tuple(Coverage(**{**c, "values": tuple(c.get("values", ()))}) for c in raw.get("coverage", [])),
        load=load,
        partition=Partition(**raw["partition"]) if raw.get("partition") else None,
        supersede=_choice(raw, "supersede", SUPERSEDES),
        publish=_choice(raw, "publish", PUBLISHES),
        pseudonymise=tuple(raw.get("pseudonymise", ())),
        check_before_hashing=_identifier_checks(raw),
        landing_only=tuple(raw.get("landing_only", ())),
        parameters=dict(raw.get("parameters", {})),
        export=ExportSpec(table=raw["export"]["table"], period=raw["export"]["period"], key=tuple(raw["export"]["key"]),
                          columns=tuple(_columns(raw["export"]["columns"]))) if raw.get("export") else None,
        sheet=_sheet(raw),
    )


@functools.cache
def contracts() -> dict[str, Contract]:
    """Every table contract by table name, in dependency order (register first)."""
    loaded = [_load(p) for p in sorted(CONTRACT_DIR.glob("*.yaml")) if not p.name.startswith("_")]
    loaded.sort(key=lambda c: (c.kind != "register", c.table != "dltv_allocation", c.table))
    return {c.table: c for c in loaded}


def get(table: str) -> Contract:
    return contracts()[table]


def all_rules() -> dict[str, Check]:
    """Every rule ID in the warehouse (parse-level and table rules) with its first check."""
    out = dict(parse_rules())
    for c in contracts().values():
        for chk in c.checks:
            out.setdefault(chk.rule_id, chk)
    return out
