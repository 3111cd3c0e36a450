"""Daily statistics (`platform_daily`) as DLTV and DLIT export them, derived from the valid events.

One row per (date, platform, school or blank for the public, user type) with, for that day and platform:
active_users = distinct users with any event, sessions = `login` events, media_views = `view` events,
downloads = `download` events (the definition the warehouse's reconciliation uses). On top of that:
- three (platform, day) pairs where the file says something else than the events (one row with more
  sessions, one with one more user and session, one row missing), listed in the truth;
- a few blank media_views (blank means unknown, not zero);
- a re-sent DLTV file: two January days exported again after the quarter's file had them from an export
  run at 15:00, so the earlier rows are superseded by the full days' rows;
- faulty rows on keys that no derived row has, each breaking exactly one rule (PLAT-04: both copies).
An oracle re-derives every row's rules and outcome from the final rows and asserts the intended ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from .landing_zone import Landing
from .platform import DAILY, DAY_S, FY_START, TODAY, Users, days_since_epoch, earliest, header, list_items, list_keys
from .platform_events import EventRows, month_of

SENDERS = ("DLTV", "DLIT")  # the e-learning and the media library send events only
PARTIAL_UNTIL = 15 * 3600  # the first export of the re-sent days ran at 15:00
BAD_PLATFORM, BAD_USER_TYPE, UNKNOWN_SCHOOL = "YouTube", "ผู้ปกครอง", "1030"
COUNTS = ("active_users", "sessions", "media_views", "downloads")
N_BLANK_VIEWS = 4


@dataclass(frozen=True)
class DailyFile:
    """One export: platform, fiscal quarter (0: the re-sent file), encoding, header and value forms."""

    platform: str
    quarter: int
    encoding: str  # cp874, utf-8, utf-8-sig
    header: str = "th"  # th: the contract's Thai headers; alias: some Thai aliases; en: English aliases
    date_form: str = "be_slash"  # be_slash 15/01/2569, be_iso 2569-01-15, ce_iso 2026-01-15
    thousands: bool = False  # counts of 1,000 or more written `1,250`
    name: str = ""  # the re-sent file's name (its days)

    @property
    def rel(self) -> str:
        if self.name:
            return f"platform/daily/{self.platform}/{self.name}"
        if self.platform == "DLTV":
            return f"platform/daily/DLTV/สถิติรายวัน_DLTV_2569_ไตรมาส{self.quarter}.csv"
        if self.header == "en":
            return f"platform/daily/DLIT/dlit_daily_stats_FY2569_Q{self.quarter}.csv"
        return f"platform/daily/DLIT/DLIT_สถิติการใช้งานรายวัน_2569_Q{self.quarter}.csv"


DAILY_FILES = (  # arrival order; the re-sent file (quarter 0) comes last
    DailyFile("DLTV", 1, "cp874", thousands=True), DailyFile("DLIT", 1, "utf-8", date_form="be_iso"),
    DailyFile("DLTV", 2, "cp874", thousands=True), DailyFile("DLIT", 2, "utf-8-sig", date_form="be_iso"),
    DailyFile("DLTV", 3, "utf-8-sig", "alias", "be_iso", True), DailyFile("DLIT", 3, "utf-8", "en", "ce_iso"),
    DailyFile("DLTV", 4, "cp874", thousands=True), DailyFile("DLIT", 4, "utf-8", date_form="ce_iso"),
    DailyFile("DLTV", 0, "cp874", thousands=True),
)
# (rule, file index, change): each row on a key no derived row has; PLAT-04 writes its row twice.
FUTURE, TOO_EARLY = TODAY + timedelta(days=35), earliest(DAILY) - timedelta(days=2)
FAULTS = (
    ("PLAT-01", 0, {"downloads": -3}), ("PLAT-01", 3, {"active_users": 7, "sessions": 4}),
    ("PLAT-02", 4, {"platform": BAD_PLATFORM}), ("PLAT-02", 1, {"user_type": BAD_USER_TYPE}),
    ("PLAT-03", 6, {"date": FUTURE}), ("PLAT-03", 5, {"date": TOO_EARLY}),
    ("PLAT-04", 2, {}), ("PLAT-04", 7, {}),
    ("REF-01", 4, {"school": 0}), ("REF-01", 7, {"school": 1}),
)


@dataclass
class DailyPlan:
    """Every daily row (file, order in it, logical values, intended rule, outcome) and what the truth lists."""

    rows: pl.DataFrame
    files: list[DailyFile]
    differences: list[dict] = field(default_factory=list)
    superseded: list[dict] = field(default_factory=list)
    resent_days: list[str] = field(default_factory=list)
    blank_media_views: int = 0


def derive(rows: EventRows, users: Users, before_s: int | None = None, days: list[date] | None = None,
           senders: tuple[str, ...] = SENDERS) -> pl.DataFrame:
    """The senders' daily aggregates from the valid events; for an early export, of some days only and
    from the events before a time of day."""
    platforms = list_keys("platforms")
    c = rows.cols
    keep = rows.good() & np.isin(c["platform"], [platforms.index(p) for p in senders])
    if days is not None:
        keep &= np.isin(c["ts"] // DAY_S, [days_since_epoch(d) for d in days])
    if before_s is not None:
        keep &= c["ts"] % DAY_S < before_s
    ev = pl.DataFrame({"day": c["ts"][keep] // DAY_S, "platform": c["platform"][keep], "school": c["school"][keep],
                       "user": c["user"][keep], "event": c["event"][keep]})
    ev = ev.with_columns(utype=pl.lit(pl.Series(users.type_idx)).gather(pl.col("user")))
    events = list_keys("event_types")
    agg = ev.group_by("day", "platform", "school", "utype").agg(
        active_users=pl.col("user").n_unique().cast(pl.Int64),
        sessions=(pl.col("event") == events.index("login")).sum().cast(pl.Int64),
        media_views=(pl.col("event") == events.index("view")).sum().cast(pl.Int64),
        downloads=(pl.col("event") == events.index("download")).sum().cast(pl.Int64),
    ).sort("day", "platform", "school", "utype")
    return agg.select(
        pl.from_epoch("day", time_unit="d").alias("date"),
        pl.lit(pl.Series(platforms)).gather(pl.col("platform")).alias("platform"),
        pl.lit(users.codes).gather(pl.when(pl.col("school") >= 0).then(pl.col("school"))).alias("school_code"),
        pl.lit(pl.Series(list_keys("user_types"))).gather(pl.col("utype")).alias("user_type"),
        *COUNTS,
    )


def _file_of(frame: pl.DataFrame) -> pl.Series:
    """The quarterly file of each derived row: by platform and fiscal quarter of its date."""
    quarter = month_of(frame.get_column("date").cast(pl.Int64).to_numpy() * DAY_S) // 3 + 1
    index = {(f.platform, f.quarter): i for i, f in enumerate(DAILY_FILES)}
    return pl.Series([index[(p, int(q))] for p, q in zip(frame.get_column("platform"), quarter)], dtype=pl.Int64)


def _resent_days(full: pl.DataFrame) -> list[date]:
    """Two consecutive January weekdays with the most DLTV rows (the earliest on a tie)."""
    jan = full.filter((pl.col("platform") == "DLTV") & (pl.col("date").dt.month() == 1))
    per_day = dict(jan.group_by("date").len().iter_rows())
    best, pick = -1, None
    for d in (date(2026, 1, 1) + timedelta(days=i) for i in range(30)):
        nxt = d + timedelta(days=1)
        if d.weekday() < 4 and per_day.get(d, 0) + per_day.get(nxt, 0) > best:
            best, pick = per_day.get(d, 0) + per_day.get(nxt, 0), [d, nxt]
    return pick


def plan_daily(rng: np.random.Generator, rows: EventRows, users: Users) -> DailyPlan:
    """Every daily row, with the re-sent days, the planted differences, blank views and faulty rows."""
    full = derive(rows, users)
    full = full.with_columns(file=_file_of(full), role=pl.lit("derived"), intended=pl.lit(None, pl.String))
    days = _resent_days(full)
    resent_idx = len(DAILY_FILES) - 1
    on_days = (pl.col("platform") == "DLTV") & pl.col("date").is_in(days)
    early = derive(rows, users, PARTIAL_UNTIL, days, senders=("DLTV",))
    early = early.with_columns(file=_file_of(early), role=pl.lit("partial"), intended=pl.lit(None, pl.String))
    resent = full.filter(on_days).with_columns(file=pl.lit(resent_idx, pl.Int64), role=pl.lit("resent"))
    key = ["date", "platform", "school_code", "user_type"]
    assert early.join(resent, on=key, how="anti", nulls_equal=True).height == 0, "a partial row the re-sent file lacks"
    main = full.filter(~on_days).with_row_index("i")

    # planted differences: (platform, kind) on three different (platform, day) pairs
    differences, touched = [], set()
    multi = main.group_by("platform", "date").len().filter(pl.col("len") >= 2).select("platform", "date")
    for platform, kind in (("DLTV", "more_sessions"), ("DLIT", "more_users"), ("DLTV", "missing_row")):
        pool = main.join(multi, on=["platform", "date"]).filter(pl.col("platform") == platform)
        pool = pool.filter(~pl.struct("platform", "date").is_in([{"platform": p, "date": d} for p, d in touched])) \
            if touched else pool
        row = pool.row(int(rng.integers(0, pool.height)), named=True)
        touched.add((row["platform"], row["date"]))
        diff = {"active_users": 0, "sessions": 0, "media_views": 0, "downloads": 0}
        if kind == "more_sessions":
            diff["sessions"] = 2
        elif kind == "more_users":
            diff.update(active_users=1, sessions=1)
        else:
            diff = {c: -row[c] for c in COUNTS}
        differences.append({"date": row["date"].isoformat(), "platform": platform, "school_code": row["school_code"],
                            "user_type": row["user_type"], "kind": kind, **diff})
        if kind == "missing_row":
            main = main.filter(pl.col("i") != row["i"])
        else:
            main = main.with_columns(pl.when(pl.col("i") == row["i"]).then(pl.col(c) + diff[c]).otherwise(pl.col(c)).alias(c)
                                     for c in ("active_users", "sessions"))
    # blank media views on a few DLIT rows away from the differences
    pool = main.filter((pl.col("platform") == "DLIT") & ~pl.struct("platform", "date").is_in(
        [{"platform": p, "date": d} for p, d in touched]))
    blank = pool.get_column("i").to_numpy()[rng.choice(pool.height, min(N_BLANK_VIEWS, pool.height), replace=False)]
    main = main.with_columns(media_views=pl.when(pl.col("i").is_in(blank)).then(None).otherwise(pl.col("media_views")))
    layout = ["file", "date", "platform", "school_code", "user_type", *COUNTS, "role", "intended"]
    derived = pl.concat([f.select(layout) for f in (main, early, resent)], how="vertical_relaxed")
    faults = _fault_rows(rng, derived, users, days)
    rows_out = _order(rng, pl.concat([derived, faults.select(layout)], how="vertical_relaxed"))
    rows_out = _outcomes(rows_out, users)
    superseded = rows_out.filter(pl.col("outcome") == "superseded")
    files = list(DAILY_FILES)
    name = f"สถิติรายวัน_DLTV_{_be_iso(days[0])}_ถึง_{_be_iso(days[-1])}_ส่งใหม่.csv"
    files[resent_idx] = DailyFile("DLTV", 0, "cp874", thousands=True, name=name)
    return DailyPlan(
        rows=rows_out, files=files, differences=differences, resent_days=[d.isoformat() for d in days],
        superseded=[{"file": files[r["file"]].rel, "date": r["date"].isoformat(), "platform": r["platform"],
                     "school_code": r["school_code"], "user_type": r["user_type"]}
                    for r in superseded.iter_rows(named=True)],
        blank_media_views=int(rows_out.get_column("media_views").is_null().sum()),
    )


def _be_iso(d: date) -> str:
    return f"{d.year + 543}-{d.month:02d}-{d.day:02d}"


def _fault_rows(rng: np.random.Generator, derived: pl.DataFrame, users: Users, resent: list[date]) -> pl.DataFrame:
    """Rows on keys no derived row has (PLAT-04: two rows on one such key), each breaking one rule."""
    taken = set(derived.select("date", "platform", "school_code", "user_type").iter_rows())
    at_school = [i.key for i in list_items("user_types") if i.en != "public"]
    out = []
    for rule, file, change in FAULTS:
        spec = DAILY_FILES[file]
        months = (spec.quarter - 1) * 3 + FY_START.month - 1  # the quarter's first month, from January
        first = date(FY_START.year + months // 12, months % 12 + 1, 1)
        while True:
            d = first + timedelta(days=int(rng.integers(0, 92)))
            active = int(rng.integers(1, 13))
            row = {"date": d, "platform": spec.platform,
                   "school_code": users.codes[int(rng.integers(0, users.n_register))],
                   "user_type": at_school[int(rng.integers(0, len(at_school)))],
                   "active_users": active, "sessions": active + int(rng.integers(0, 5)),
                   "media_views": int(rng.integers(0, 40)), "downloads": int(rng.integers(0, 10))}
            if "school" in change:
                row["school_code"] = users.codes[users.n_register + change["school"]]
            row.update({k: v for k, v in change.items() if k != "school"})
            k = (row["date"], row["platform"], row["school_code"], row["user_type"])
            in_quarter = month_of(np.array([days_since_epoch(d) * DAY_S]))[0] // 3 + 1 == spec.quarter
            if in_quarter and d not in resent and k not in taken:
                break
        taken.add(k)
        copies = [row, {**row, "sessions": row["sessions"] + 1, "media_views": row["media_views"] + 3}] \
            if rule == "PLAT-04" else [row]
        out += [{**r, "file": file, "role": "fault", "intended": rule} for r in copies]
    return pl.DataFrame(out, schema={"date": pl.Date, "platform": pl.String, "school_code": pl.String,
                                     "user_type": pl.String, **{c: pl.Int64 for c in COUNTS}, "file": pl.Int64,
                                     "role": pl.String, "intended": pl.String})


def _order(rng: np.random.Generator, rows: pl.DataFrame) -> pl.DataFrame:
    """Derived rows in (date, platform, school, user type) order; faulty rows at random places in their file."""
    rows = rows.sort("file", "date", "platform", "school_code", "user_type", nulls_last=False, maintain_order=True)
    good = rows.filter(pl.col("role") != "fault")
    good = good.with_columns(order=pl.int_range(pl.len()).over("file").cast(pl.Float64))
    sizes = dict(good.group_by("file").len().iter_rows())
    faults = rows.filter(pl.col("role") == "fault")
    spots = pl.Series("order", [float(rng.uniform(-0.5, sizes.get(f, 0))) for f in faults.get_column("file")])
    return pl.concat([good, faults.with_columns(spots)]).sort("file", "order", maintain_order=True).drop("order")


def _outcomes(rows: pl.DataFrame, users: Users) -> pl.DataFrame:
    """The oracle (each row's rules from its values) and outcomes: quarantined, superseded or valid."""
    register = users.codes[:users.n_register].to_list()
    school_or_public = pl.col("school_code").fill_null("-")
    broken = rows.select(
        **{"REF-01": pl.col("school_code").is_not_null() & ~pl.col("school_code").is_in(register),
           "PLAT-01": pl.any_horizontal(*(pl.col(c) < 0 for c in COUNTS)).fill_null(False)
           | (pl.col("sessions") < pl.col("active_users")).fill_null(False),
           "PLAT-02": ~pl.col("platform").is_in(list_keys("platforms")) | ~pl.col("user_type").is_in(list_keys("user_types")),
           "PLAT-03": (pl.col("date") < earliest(DAILY)) | (pl.col("date") > TODAY),
           "PLAT-04": pl.len().over("file", "date", "platform", school_or_public, "user_type") > 1},
        intended=pl.col("intended"))
    for rule in ("REF-01", "PLAT-01", "PLAT-02", "PLAT-03", "PLAT-04"):
        wrong = broken.filter(pl.col(rule) != (pl.col("intended") == rule).fill_null(False))
        assert wrong.height == 0, f"{rule}: {wrong.height} daily rows break it unintended or keep it though meant to"
    rows = rows.with_row_index("arrival")  # files are written in index order, rows in file order
    valid = rows.filter(pl.col("intended").is_null()).with_columns(
        last=pl.col("arrival").max().over("date", "platform", school_or_public, "user_type"))
    superseded = valid.filter(pl.col("arrival") < pl.col("last")).get_column("arrival")
    rows = rows.with_columns(outcome=pl.when(pl.col("intended").is_not_null()).then(pl.lit("quarantined"))
                             .when(pl.col("arrival").is_in(superseded)).then(pl.lit("superseded"))
                             .otherwise(pl.lit("valid"))).drop("arrival")
    wrong = rows.filter((pl.col("outcome") == "superseded") != (pl.col("role") == "partial"))
    assert wrong.height == 0, "only the early export's rows may be superseded, and all of them"
    return rows


def _date_text(form: str) -> pl.Expr:
    d = pl.col("date")
    if form == "ce_iso":
        return d.dt.strftime("%Y-%m-%d")
    be = (d.dt.year().cast(pl.Int32) + 543).cast(pl.String)
    if form == "be_iso":
        return pl.format("{}-{}", be, d.dt.strftime("%m-%d"))
    return pl.format("{}/{}", d.dt.strftime("%d/%m"), be)


def _count_text(column: str, thousands: bool) -> pl.Expr:
    """A count as written: digits, or with a thousands separator (`1,250`) from 1,000 up."""
    v = pl.col(column)
    if not thousands:
        return v.cast(pl.String)
    groups = pl.format("{},{}", (v // 1000).cast(pl.String), (v % 1000).cast(pl.String).str.zfill(3))
    millions = pl.format("{},{},{}", (v // 1_000_000).cast(pl.String),
                         (v // 1000 % 1000).cast(pl.String).str.zfill(3), (v % 1000).cast(pl.String).str.zfill(3))
    return pl.when(v.abs() < 1000).then(v.cast(pl.String)).when(v < 1_000_000).then(groups).otherwise(millions)


def daily_frame(rows: pl.DataFrame, spec: DailyFile, rng: random.Random) -> pl.DataFrame:
    """One file's rows as written, under its headers."""
    user_type = pl.col("user_type")
    if spec.header == "en":  # English exports write the user type's English name
        user_type = user_type.replace({i.key: i.en for i in list_items("user_types")})
    frame = rows.select(
        date=_date_text(spec.date_form), platform=pl.col("platform"), school_code=pl.col("school_code"),
        user_type=user_type, **{c: _count_text(c, spec.thousands) for c in COUNTS})
    return frame.rename({c: header(DAILY, c, spec.header, rng) for c in frame.columns})


def write_daily_files(land: Landing, plan: DailyPlan, rng: random.Random) -> list[dict]:
    """The daily CSV files in arrival order; returns one description (with counts) per file."""
    out = []
    for i, spec in enumerate(plan.files):
        part = plan.rows.filter(pl.col("file") == i)
        frame = daily_frame(part, spec, rng)

        def write(path: Path, frame=frame, spec=spec) -> None:
            text = frame.write_csv(line_terminator="\r\n" if spec.encoding == "cp874" else "\n")
            path.write_bytes(text.encode(spec.encoding))

        land.add(spec.rel, DAILY, [], write)
        outcomes = dict(part.group_by("outcome").len().iter_rows())
        out.append({"file": spec.rel, "platform": spec.platform, "quarter": spec.quarter or None,
                    "encoding": spec.encoding, "header": spec.header, "date_form": spec.date_form,
                    "thousands": spec.thousands, "resent": not spec.quarter, "rows": part.height,
                    **{k: outcomes.get(k, 0) for k in ("valid", "quarantined", "superseded")}})
    return out
