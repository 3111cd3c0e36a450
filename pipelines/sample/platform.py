"""Digital-platform exports of the sample district (contract 3.4): raw event logs and daily aggregates.

`write_platform(land, schools, seed, events)` adds, after every other sample file, twelve monthly event
logs under `landing/platform/events/` (CSV with Thai or English headers, Parquet) holding exactly `events`
rows, and the daily statistics that DLTV and DLIT export under `landing/platform/daily/` (cp874 and UTF-8
CSV, one re-sent file), and returns their ground truth. The daily numbers are derived from the valid
events (`platform_daily.py`), so the warehouse's reconciliation must find only the differences planted
and listed in the truth.

Everything is vectorised (numpy, polars): ten million events are a matter of seconds. The parts draw from
their own generators seeded from `seed`, never from the survey generator's, so adding or resizing the
platform files leaves every other sample file byte-identical. Same seed and size -> identical bytes.

A user's type shows in their id (`stu-`, `t.`, `staff.`, `guest-`), so a reader of the event files
alone can redo the daily aggregates by user type; the ids are distinctive strings that cannot turn up
anywhere by accident (PII-01: the warehouse must hold only their keyed hashes).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

import numpy as np
import polars as pl

from warehouse import contracts
from warehouse.contracts import ListItem

from .contract import table_contract, table_rules
from .landing_zone import Landing
from .register import School

EVENTS, DAILY = "platform_events", "platform_daily"
DEFAULT_EVENTS = 25_000
MIN_EVENTS = 2_000  # room for every injected fault and a few sessions a day
FY_START, FY_END = date(2025, 10, 1), date(2026, 9, 30)  # fiscal year 2569
TODAY = date(2026, 12, 1)  # the truth's "now": every good timestamp is before it
EPOCH = date(1970, 1, 1)
DAY_S = 86_400
SEED_TAG = 0x706C6174  # "plat": the platform parts' own stream, apart from the survey generator's

# Users: share of the pool, activity factor and id prefix, by the user type's English name.
USER_SHARES = {"student": 0.72, "teacher": 0.13, "staff": 0.05, "public": 0.10}
USER_ACTIVITY = {"student": 1.0, "teacher": 1.6, "staff": 0.8, "public": 2.0}  # DLTV's online public is large
ROMAN_NAMES = ("somchai", "somsak", "prasert", "anucha", "teerapong", "boonmee", "surachai", "nattapon",
               "weera", "piya", "chaiwat", "wilaiwan", "supaporn", "kanchana", "pornthip", "jiraporn",
               "siriporn", "arunee", "kesinee", "ratchanee", "busaba", "nongluck", "pranee", "kittisak")
ID_PREFIX = {"student": "stu-", "teacher": "t.", "staff": "staff.", "public": "guest-"}  # + 7 digits; staff
MAIL = "kk4.example"  # and teachers: prefix, a romanised first name, the digits, @MAIL
UNKNOWN_AREA = "1030"  # OBEC + another province: a transferred pupil's old school, never in our register


def list_items(name: str) -> tuple[ListItem, ...]:
    return contracts.lists()[name]


def list_keys(name: str) -> list[str]:
    return [i.key for i in list_items(name)]


def key_by_en(name: str, en: str) -> str:
    return next(i.key for i in list_items(name) if i.en == en)


def days_since_epoch(d: date) -> int:
    return (d - EPOCH).days


def epoch_s(d: date | datetime) -> int:
    if isinstance(d, datetime):
        return (d.date() - EPOCH).days * DAY_S + d.hour * 3600 + d.minute * 60 + d.second
    return days_since_epoch(d) * DAY_S


@cache
def earliest(table: str) -> date:
    """PLAT-03's lower bound (1 Jan 2560 BE), from the contract's parameters."""
    value = table_contract(table).parameters["earliest"]
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@cache
def between(table: str, rule_id: str, column: str) -> tuple[float, float]:
    """A rule's `be_between` bounds on one column, read from the contract."""
    for chk in table_contract(table).checks:
        for e in chk.expectations if chk.rule_id == rule_id else ():
            if e["type"] == "expect_column_values_to_be_between" and e.get("column") == column:
                return e.get("min_value", float("-inf")), e.get("max_value", float("inf"))
    raise KeyError((table, rule_id, column))


def header(table: str, name: str, style: str, rng: random.Random | None = None) -> str:
    """A column's header from the contract: Thai, a Thai alias, the column name or an English alias."""
    col = table_contract(table).column(name)
    if style == "th":
        return col.th
    if style == "name":
        assert name in col.aliases, f"{table}.{name}: the column name is not one of its aliases"
        return name
    if style == "alias":
        thai = [a for a in col.aliases if not a.isascii()]
        return rng.choice(thai) if thai and rng.random() < 0.6 else col.th
    english = [a for a in col.aliases if a.isascii()]
    return next((a for a in english if " " in a), english[0])


@dataclass
class Users:
    """The platforms' users: id, type (index into the user_types list), school (index, -1: none)."""

    ids: pl.Series  # str
    type_idx: np.ndarray  # int8
    school_idx: np.ndarray  # int32, index into `codes`, -1 for public users
    weight: np.ndarray  # float64, relative activity (0 for the fault-only users)
    codes: pl.Series  # school codes: the register's schools, then unknown codes (REF-01)
    n_register: int  # codes[:n_register] are in the register
    n_pool: int  # ids[:n_pool] are ordinary users; the rest appear only in faulty rows

    def kind(self, en: str) -> int:
        return list_keys("user_types").index(key_by_en("user_types", en))


def make_users(rng: np.random.Generator, schools: list[School], n_base: int, n_fault_users: int) -> Users:
    """A pool of users sized to the events, each with one type and one school (none for the public)."""
    types = list_items("user_types")
    assert {t.en for t in types} == set(USER_SHARES), "user types changed: update USER_SHARES"
    population = sum(max(s.students, 20) for s in schools) * 1.35
    n_pool = int(min(max(n_base // 20, 800), population))
    shares = np.array([USER_SHARES[t.en] for t in types])
    type_idx = rng.choice(len(types), n_pool, p=shares / shares.sum()).astype(np.int8)
    sizes = np.array([max(s.students, 20) for s in schools], dtype=np.float64)
    school_idx = rng.choice(len(schools), n_pool, p=sizes / sizes.sum()).astype(np.int32)
    public = [t.en for t in types].index("public")
    school_idx[type_idx == public] = -1
    weight = rng.lognormal(0.0, 1.0, n_pool) * np.array([USER_ACTIVITY[t.en] for t in types])[type_idx]
    # fault-only users: pupils of a school outside the district (REF-01)
    student = [t.en for t in types].index("student")
    type_idx = np.concatenate([type_idx, np.full(n_fault_users, student, np.int8)])
    school_idx = np.concatenate([school_idx, len(schools) + np.arange(n_fault_users, dtype=np.int32)])
    weight = np.concatenate([weight, np.zeros(n_fault_users)])
    n = n_pool + n_fault_users
    register = [s.code for s in schools]
    unknown = [f"{UNKNOWN_AREA}{v:06d}" for v in rng.choice(10**6, n_fault_users, replace=False)]
    assert not set(unknown) & set(register)
    frame = pl.DataFrame({
        "t": pl.Series([types[i].en for i in range(len(types))]).gather(type_idx),
        "n": pl.Series(rng.choice(10**7, n, replace=False)).cast(pl.String).str.zfill(7),
        "name": pl.Series(ROMAN_NAMES).gather(rng.integers(0, len(ROMAN_NAMES), n)),
    })
    mail = {en: pl.format(ID_PREFIX[en] + "{}.{}@{}", "name", "n", pl.lit(MAIL)) for en in ("teacher", "staff")}
    ids = frame.select(
        pl.when(pl.col("t") == "student").then(pl.format(ID_PREFIX["student"] + "{}", "n"))
        .when(pl.col("t") == "teacher").then(mail["teacher"])
        .when(pl.col("t") == "staff").then(mail["staff"])
        .otherwise(pl.format(ID_PREFIX["public"] + "{}", "n")).alias("user_id")
    ).to_series()
    return Users(ids, type_idx, school_idx, weight, pl.Series(register + unknown), len(register), n_pool)


def _file_entry(table: str, rows_in: int, valid: int, quarantined: int, superseded: int = 0) -> dict:
    assert rows_in == valid + quarantined + superseded
    return {"table": table, "rows_in": rows_in, "valid": valid, "flagged": 0, "quarantined": quarantined,
            "superseded": superseded, "error_column": None, "error": None}


def write_platform(land: Landing, schools: list[School], seed: int, events: int) -> dict:
    """Write the event logs and daily files into the landing zone; return their ground truth:
    {"rule_rows": {table: {rule: rows}}, "files": {rel: outcomes}, "platform": {...}}."""
    from .platform_daily import plan_daily, write_daily_files
    from .platform_events import N_FAULT_ROWS, N_FAULT_USERS, make_event_rows, write_event_files

    if events < MIN_EVENTS:
        raise ValueError(f"events must be 0 (no platform files) or at least {MIN_EVENTS}")
    rng = np.random.default_rng(np.random.SeedSequence([seed & (2**63 - 1), SEED_TAG]))
    text_rng = random.Random(f"platform:{seed}")
    users = make_users(rng, schools, events - N_FAULT_ROWS, N_FAULT_USERS)
    rows = make_event_rows(rng, users, events)
    event_files = write_event_files(land, rows, users)
    daily = plan_daily(rng, rows, users)
    daily_files = write_daily_files(land, daily, text_rng)

    rule_rows = {t: {r: 0 for r in table_rules(t)} for t in (DAILY, EVENTS)}
    for table, rules in ((EVENTS, rows.faults.get_column("rule")), (DAILY, daily.rows.get_column("intended"))):
        for rule, n in rules.drop_nulls().value_counts(sort=True).iter_rows():
            rule_rows[table][rule] += n
    files = {f["file"]: _file_entry(EVENTS, f["rows"], f["valid"], f["quarantined"]) for f in event_files}
    files |= {f["file"]: _file_entry(DAILY, f["rows"], f["valid"], f["quarantined"], f["superseded"])
              for f in daily_files}
    good = rows.good()
    platforms = list_keys("platforms")
    by_platform = np.bincount(rows.cols["platform"][good], minlength=len(platforms))
    return {
        "rule_rows": rule_rows,
        "files": files,
        "platform": {
            "events": events,
            "today": TODAY.isoformat(),
            "event_files": event_files,
            "daily_files": daily_files,
            "user_pool": users.n_pool,
            "users": int(np.count_nonzero(np.bincount(rows.cols["user"][good]))),
            "users_all_rows": int(np.count_nonzero(np.bincount(rows.cols["user"]))),
            "user_id_prefixes": {key_by_en("user_types", en): p for en, p in ID_PREFIX.items()},
            "valid_events_by_month": {f["month"]: f["valid"] for f in event_files},
            "valid_events_by_platform": {p: int(n) for p, n in zip(platforms, by_platform)},
            "daily_rows": daily.rows.height,
            "daily_valid_rows": sum(f["valid"] for f in daily_files),
            "daily_blank_media_views": daily.blank_media_views,
            "resent_days": daily.resent_days,
            "reconciliation_differences": daily.differences,
            "superseded_rows": daily.superseded,
        },
    }


def merge_truth(expected: dict, family: dict) -> dict:
    """The survey truth with one more family's (platform, DLIT, ...) rule counts and files added, and its
    own sections (`platform`, `dlit`, ...) under their names."""
    expected["rule_rows"].update(family["rule_rows"])
    expected["files"].update(family["files"])
    for name, section in family.items():
        if name not in ("rule_rows", "files"):
            assert name not in expected, f"two families write the truth's {name!r}"
            expected[name] = section
    return expected
