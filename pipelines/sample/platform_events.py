"""Raw event logs (`platform_events`): a year of sessions, the faults, and twelve monthly files.

A session is one user's visit to one platform: a `login`, then views, downloads and quiz submissions a
few minutes apart, all on the day it started (sessions start before 21:00 and last at most about two
hours), so every user active on a day logged in that day and the daily aggregates keep sessions >=
active users. Weekday school hours dominate for pupils, teachers and staff; the public comes in the
evening and at weekends. All of it is numpy over arrays of sessions and events, no loop per event.

Rows are kept as integer codes (user, school, platform, event type, content) until a file is written.
Faulty rows are added on top of the sessions, each breaking exactly one rule; an oracle re-derives every
row's rules from the final rows and asserts that they are exactly the intended ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl

from .landing_zone import Landing
from .platform import (
    DAY_S, EVENTS, FY_END, FY_START, TODAY, Users, between, days_since_epoch, earliest, epoch_s,
    header, list_items, list_keys,
)

# Faulty rows (fixed numbers, whatever the size): each breaks exactly one rule.
BAD_PLATFORMS = ("YouTube", "TikTok")  # PLAT-02
BAD_EVENT_TYPES = ("share", "comment")  # PLAT-02
UNREADABLE = ("31/02/2569 25:61", "ไม่ทราบ", "2026-02-30 08:15:00")  # FMT-01, CSV files only
N_REPEATS = 6  # PLAT-04: an event logged twice; the repeat breaks the rule, the first copy is valid
N_FAULT_USERS = 3  # REF-01: pupils still registered at a school outside the district
N_BAD_DURATIONS = 4  # PLAT-05
N_BAD_TIMES = 3  # PLAT-03
N_FAULT_ROWS = len(BAD_PLATFORMS) + len(BAD_EVENT_TYPES) + len(UNREADABLE) + N_REPEATS + N_FAULT_USERS \
    + N_BAD_DURATIONS + N_BAD_TIMES
PLATFORM_LABELS = tuple(list_keys("platforms")) + BAD_PLATFORMS
EVENT_LABELS = tuple(list_keys("event_types")) + BAD_EVENT_TYPES
N_PLATFORMS, N_EVENT_TYPES = len(list_keys("platforms")), len(list_keys("event_types"))


@dataclass(frozen=True)
class EventFile:
    """One month's export: CSV (Thai or English headers, a timestamp form) or Parquet."""

    month: str  # YYYY-MM
    fmt: str = "parquet"
    header: str = "th"  # "th": the contract's Thai headers; "name": the column names (English aliases)
    ts_form: str = "iso"  # "iso": 2026-01-15 08:30:12; "iso_t": with T and +07:00; "be_slash": 15/01/2569 08:30:12
    bom: bool = False

    @property
    def rel(self) -> str:
        return f"platform/events/platform_events_{self.month}.{'csv' if self.fmt == 'csv' else 'parquet'}"


EVENT_FILES = (
    EventFile("2025-10", "csv", "th"), EventFile("2025-11", "csv", "name"), EventFile("2025-12"),
    EventFile("2026-01", "csv", "th", "be_slash"), EventFile("2026-02"), EventFile("2026-03", "csv", "name", "iso_t"),
    EventFile("2026-04"), EventFile("2026-05", "csv", "th", bom=True), EventFile("2026-06"),
    EventFile("2026-07", "csv", "name"), EventFile("2026-08"), EventFile("2026-09", "csv", "th"),
)
CSV_MONTHS = [i for i, f in enumerate(EVENT_FILES) if f.fmt == "csv"]

# Calendar of fiscal year 2569: terms (school in session) and public or school holidays.
TERMS = ((date(2025, 10, 1), date(2025, 10, 10)), (date(2025, 11, 1), date(2026, 3, 31)),
         (date(2026, 5, 16), date(2026, 9, 30)))
HOLIDAYS = ("2025-10-13", "2025-10-23", "2025-12-05", "2025-12-10", "2025-12-31", "2026-01-01", "2026-01-02",
            "2026-01-16", "2026-03-03", "2026-04-06", "2026-04-13", "2026-04-14", "2026-04-15", "2026-05-01",
            "2026-05-04", "2026-06-01", "2026-06-03", "2026-07-28", "2026-07-29", "2026-07-30", "2026-08-12")
# Start hour (0-20) of a session: relative weights.
HOURS_SCHOOL_DAY = {7: 2, 8: 10, 9: 16, 10: 16, 11: 10, 12: 4, 13: 13, 14: 12, 15: 6, 16: 3, 17: 2, 18: 2, 19: 3, 20: 2}
HOURS_DAY_OFF = {8: 4, 9: 8, 10: 10, 11: 9, 12: 6, 13: 8, 14: 9, 15: 8, 16: 7, 17: 6, 18: 7, 19: 10, 20: 8}
HOURS_PUBLIC = {0: 0.5, 1: 0.3, 2: 0.2, 3: 0.2, 4: 0.3, 5: 0.5, 6: 2, 7: 4, 8: 5, 9: 6, 10: 6, 11: 5, 12: 6,
                13: 6, 14: 6, 15: 6, 16: 6, 17: 7, 18: 9, 19: 12, 20: 11}
# Platform of a session by user type (English name), in the platforms list's order.
PLATFORM_MIX = {"student": (0.45, 0.30, 0.18, 0.07), "teacher": (0.22, 0.40, 0.16, 0.22),
                "staff": (0.10, 0.30, 0.30, 0.30), "public": (0.45, 0.05, 0.15, 0.35)}
# After the login: view, download, quiz_submit by platform; view duration (median s, log sd).
EVENT_MIX = {"DLTV": (0.82, 0.08, 0.10), "DLIT": (0.55, 0.25, 0.20), "ELEARNING": (0.45, 0.10, 0.45),
             "MEDIA": (0.62, 0.38, 0.0)}
VIEW_SECONDS = {"DLTV": (1500, 0.6), "DLIT": (600, 0.9), "ELEARNING": (500, 0.8), "MEDIA": (240, 1.0)}
SESSION_EXTRA_EVENTS, MAX_SESSION = 5.0, 12  # events after the login: Poisson mean; events per session: cap
MAX_DURATION = 7_200  # longest ordinary duration (a double period left playing)

GRADES_DLTV = ("K2", "K3", "P1", "P2", "P3", "P4", "P5", "P6", "M1", "M2", "M3")
GRADES_DLIT = ("P1", "P2", "P3", "P4", "P5", "P6", "M1", "M2", "M3", "M4", "M5", "M6")
SUBJECTS = ("THAI", "MATH", "SCI", "ENG", "SOC", "HIST", "HEALTH", "ART", "CAREER", "COMP")
COURSES = ("CODING-P4", "CODING-M1", "ENG-CONV", "ONET-MATH-P6", "ONET-MATH-M3", "ONET-SCI-P6", "READ-THAI-P1",
           "PLC-TEACHER", "DLTV-TEACHER", "AI-CLASS", "SAFE-INTERNET", "ASEAN")


@cache
def _catalogue() -> tuple[pl.Series, np.ndarray, np.ndarray]:
    """Content ids of every platform in one series, with each platform's offset and size."""
    parts = {
        "DLTV": [f"DLTV-{g}-{s}-{n:03d}" for g in GRADES_DLTV for s in SUBJECTS for n in range(1, 41)],
        "DLIT": [f"DLIT-{g}-{s}-{n:03d}" for g in GRADES_DLIT for s in SUBJECTS[:8] for n in range(1, 61)],
        "ELEARNING": [f"KK4-EL-{c}-L{n:02d}" for c in COURSES for n in range(1, 25)],
        "MEDIA": [f"KK4-MED-{n:05d}" for n in range(1, 2001)],
    }
    assert list(parts) == list_keys("platforms"), "platform list changed: update the catalogue"
    sizes = np.array([len(v) for v in parts.values()])
    return pl.Series([c for v in parts.values() for c in v]), np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes


def _calendar() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per day of the fiscal year: its weight for school users, its weight for the public, school day."""
    first = days_since_epoch(FY_START)
    days = np.arange(first, days_since_epoch(FY_END) + 1)
    weekend = (days + 3) % 7 >= 5  # 1970-01-01 was a Thursday
    holiday = np.isin(days, [days_since_epoch(date.fromisoformat(h)) for h in HOLIDAYS])
    term = np.zeros(len(days), bool)
    for a, b in TERMS:
        term |= (days >= days_since_epoch(a)) & (days <= days_since_epoch(b))
    school_day = term & ~weekend & ~holiday
    school = np.where(school_day, 1.0, np.where(weekend, np.where(term, 0.15, 0.10), 0.25))
    public = np.where(weekend | holiday, 1.0, 0.8)
    return school / school.sum(), public / public.sum(), school_day


def _pick(rng: np.random.Generator, weights, n: int) -> np.ndarray:
    """n draws from a small weight table (dict hour -> weight, or a sequence)."""
    if isinstance(weights, dict):
        values, w = np.array(list(weights)), np.array(list(weights.values()), float)
    else:
        values, w = np.arange(len(weights)), np.asarray(weights, float)
    return values[np.searchsorted(np.cumsum(w / w.sum()), rng.random(n), side="right").clip(0, len(w) - 1)]


def _sessions(rng: np.random.Generator, n_base: int) -> np.ndarray:
    """Events per session (login first), summing to exactly n_base."""
    lengths = np.empty(0, np.int64)
    while lengths.sum() < n_base:
        more = int((n_base - lengths.sum()) / (1 + SESSION_EXTRA_EVENTS) * 1.1) + 16
        lengths = np.concatenate([lengths, np.minimum(1 + rng.poisson(SESSION_EXTRA_EVENTS, more), MAX_SESSION)])
    ends = np.cumsum(lengths)
    k = int(np.searchsorted(ends, n_base))  # the session where n_base is reached
    lengths = lengths[:k + 1].copy()
    lengths[k] -= ends[k] - n_base
    return lengths


def simulate(rng: np.random.Generator, users: Users, n_base: int) -> dict[str, np.ndarray]:
    """n_base good events, session by session: ts (Thai local time, s since 1970), user, school (-1: none),
    platform, event, content (-1: none), duration."""
    types = [t.en for t in list_items("user_types")]
    platforms = list_keys("platforms")
    lengths = _sessions(rng, n_base)
    n_s = len(lengths)
    w = users.weight / users.weight.sum()
    user = rng.choice(len(w), n_s, p=w).astype(np.int32)
    utype = users.type_idx[user]
    public = utype == types.index("public")
    platform = np.empty(n_s, np.int8)
    for t, en in enumerate(types):
        m = utype == t
        platform[m] = _pick(rng, PLATFORM_MIX[en], int(m.sum()))
    school_w, public_w, school_day = _calendar()
    day = np.empty(n_s, np.int64)
    day[public] = rng.choice(len(public_w), int(public.sum()), p=public_w)
    day[~public] = rng.choice(len(school_w), int((~public).sum()), p=school_w)
    hour = np.empty(n_s, np.int64)
    for m, table in ((public, HOURS_PUBLIC), (~public & school_day[day], HOURS_SCHOOL_DAY),
                     (~public & ~school_day[day], HOURS_DAY_OFF)):
        hour[m] = _pick(rng, table, int(m.sum()))
    start = (days_since_epoch(FY_START) + day) * DAY_S + hour * 3600 + rng.integers(0, 3600, n_s)

    session = np.repeat(np.arange(n_s), lengths)
    first = np.cumsum(lengths) - lengths
    pos = np.arange(n_base) - first[session]
    plat_e = platform[session]
    event = np.zeros(n_base, np.int8)  # 0: login (the list's first type)
    later = pos > 0
    del pos
    assert list_keys("event_types")[:4] == ["login", "view", "download", "quiz_submit"]
    _, offsets, sizes = _catalogue()
    content = np.full(n_base, -1, np.int32)
    duration = np.zeros(n_base, np.int32)
    for p, name in enumerate(platforms):
        m = later & (plat_e == p)
        k = int(m.sum())
        event[m] = 1 + _pick(rng, EVENT_MIX[name], k)
        popularity = 1.0 / (rng.permutation(sizes[p]) + 5.0) ** 1.1
        content[m] = offsets[p] + rng.choice(sizes[p], k, p=popularity / popularity.sum())
        views = m & (event == 1)
        median, sd = VIEW_SECONDS[name]
        duration[views] = np.clip(rng.lognormal(np.log(median), sd, int(views.sum())), 5, MAX_DURATION)
    downloads, quizzes = event == 2, event == 3
    duration[downloads] = rng.integers(1, 91, int(downloads.sum()))
    duration[quizzes] = rng.integers(60, 1801, int(quizzes.sum()))
    gap = np.minimum(np.concatenate([[0], duration[:-1]]), 600) + rng.integers(3, 60, n_base)
    gap[~later] = 0
    run = np.cumsum(gap)
    del gap, later
    ts = start[session] + run - run[first][session]
    user_e = user[session]
    return {"ts": ts, "user": user_e, "school": users.school_idx[user_e], "platform": plat_e, "event": event,
            "content": content, "duration": duration}


FY_MONTH0 = (FY_START.year - 1970) * 12 + FY_START.month - 1
FY_SECONDS = (days_since_epoch(FY_END) + 1 - days_since_epoch(FY_START)) * DAY_S


def month_of(ts: np.ndarray) -> np.ndarray:
    """The event file (0..11 within the fiscal year) of each timestamp's month."""
    return (ts // DAY_S).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) - FY_MONTH0


def _month_start(file: int) -> datetime:
    months = FY_START.month - 1 + file
    return datetime(FY_START.year + months // 12, months % 12 + 1, 1)


def _event_key(ts, user, event, content, n_users: int) -> np.ndarray:
    """An exact int64 key of (time within the fiscal year, user, event type, content) for events inside
    the fiscal year: equal keys are equal events (PLAT-04 without the file, which the month implies)."""
    key = np.zeros(len(ts), np.int64)
    used = 0
    for values, top in ((ts - epoch_s(FY_START), FY_SECONDS), (user, n_users), (event, len(EVENT_LABELS)),
                        (content + 1, len(_catalogue()[0]) + 1)):
        bits = int(top - 1).bit_length()
        key = (key << bits) | values.astype(np.int64)
        used += bits
    assert used <= 63, "too many users or contents for a 63-bit event key"
    return key


@dataclass
class EventRows:
    """Every event row in file order as integer codes (school and content -1 when blank), the index of
    each file's first row, and the faulty rows: final row index, rule, text written as time (FMT-01)."""

    cols: dict[str, np.ndarray]
    bounds: np.ndarray
    faults: pl.DataFrame

    @property
    def height(self) -> int:
        return len(self.cols["ts"])

    def good(self) -> np.ndarray:
        mask = np.ones(self.height, bool)
        mask[self.faults.get_column("row").to_numpy()] = False
        return mask


def _sorted_unique(cols: dict[str, np.ndarray], n_users: int) -> np.ndarray:
    """Sort the good events by (time, user, event, content); an event equal to another on all four moves
    a second on (only the planted repeats may break PLAT-04). Returns the sorted keys."""
    for _ in range(100):
        key = _event_key(cols["ts"], cols["user"], cols["event"], cols["content"], n_users)
        order = np.argsort(key)
        key = key[order]
        for name in cols:
            cols[name] = cols[name][order]
        dup = np.flatnonzero(key[1:] == key[:-1]) + 1
        if not len(dup):
            return key
        cols["ts"][dup] += 1
    raise AssertionError("could not make event keys unique")


def _faults(rng: np.random.Generator, cols: dict[str, np.ndarray], keys: np.ndarray, users: Users) -> list[dict]:
    """The faulty rows: copies of random good events with one thing broken, each with the position it
    goes to (`at`: before the sorted good row of that index). Copies land a few seconds after their
    source; an unreadable time is written over a copy's own time; a repeat follows its original."""
    n = len(cols["ts"])
    files = month_of(cols["ts"])
    contentful = np.flatnonzero(cols["event"] > 0)
    lo, hi = between(EVENTS, "PLAT-05", "duration_s")
    midnight = datetime.min.time()
    future = datetime.combine(date(TODAY.year + 1, 1, 15), midnight) + timedelta(hours=10, seconds=753)
    too_early = datetime.combine(earliest(EVENTS), midnight) - timedelta(seconds=2)
    last = len(EVENT_FILES) - 1
    plain: list[tuple[str, dict]] = [("PLAT-02", {"platform": PLATFORM_LABELS.index(p)}) for p in BAD_PLATFORMS]
    plain += [("REF-01", {"user": users.n_pool + j, "school": int(users.school_idx[users.n_pool + j])})
              for j in range(N_FAULT_USERS)]
    plain += [("PLAT-03", {"ts": epoch_s(when), "file": file})  # a clock far ahead, a reset clock, a day too early
              for when, file in ((future, last), (datetime(1970, 1, 1, 7), 4), (too_early, 0))]
    with_content = [("PLAT-02", {"event": EVENT_LABELS.index(e)}) for e in BAD_EVENT_TYPES]
    with_content += [("PLAT-05", {"duration": int(d)}) for d in (lo - 1, lo - 45, hi + 1, 2 * hi)]
    unreadable = [("FMT-01", {"ts_text": text}) for text in UNREADABLE]
    repeats = [("PLAT-04", {}) for _ in range(N_REPEATS)]
    assert len(plain) + len(with_content) + len(unreadable) + len(repeats) == N_FAULT_ROWS
    fmt_files = rng.choice(CSV_MONTHS, len(unreadable), replace=False)
    taken = rng.choice(n, len(plain) + len(repeats), replace=False)
    sources = np.concatenate([
        taken[:len(plain)], rng.choice(contentful, len(with_content), replace=False),
        [int(rng.choice(np.flatnonzero(files == f))) for f in fmt_files], taken[len(plain):]])
    shift = rng.integers(1, 30, len(sources))
    out = []
    for (rule, change), src, dt in zip(plain + with_content + unreadable + repeats, sources, shift):
        row = {name: int(values[src]) for name, values in cols.items()}
        row.update(file=int(files[src]), rule=rule, ts_text=None, sort_ts=None, at=int(src) + 1)
        if rule not in ("FMT-01", "PLAT-04"):
            row["ts"] += int(dt)
        row.update(change)
        if rule == "PLAT-03":  # placed among its file's events at a random moment of the month
            row["sort_ts"] = epoch_s(_month_start(row["file"])) + int(rng.integers(0, 28 * DAY_S))
        out.append(row)
    # a broken copy must not equal a good event (or another copy) on PLAT-04's key: move it on a second
    movable = [r for r in out if r["rule"] not in ("FMT-01", "PLAT-04", "PLAT-03")]
    for _ in range(100):
        k = _event_key(*(np.array([r[c] for r in movable]) for c in ("ts", "user", "event", "content")), len(users.ids))
        clash = [i for i, v in enumerate(k) if keys[min(np.searchsorted(keys, v), len(keys) - 1)] == v or v in k[:i]]
        if not clash:
            break
        for i in clash:
            movable[i]["ts"] += 1
    base_ts = cols["ts"]
    for r in out:
        if r["rule"] != "PLAT-04":
            r["at"] = int(np.searchsorted(base_ts, r["sort_ts"] if r["sort_ts"] is not None else r["ts"], side="right"))
    return out


def _repeats(cols: dict[str, np.ndarray], readable: np.ndarray, n_users: int) -> np.ndarray:
    """PLAT-04 as the contract says: a row equal to an earlier row of its file on (time, user, event
    type, content) is a repeat; an unreadable time counts as blank."""
    ts = cols["ts"]
    inside = readable & (ts >= epoch_s(FY_START)) & (ts < epoch_s(FY_START) + FY_SECONDS)
    assert (cols["file"][inside] == month_of(ts[inside])).all(), "a row inside the year in another month's file"
    where = np.flatnonzero(inside)
    key = _event_key(ts[where], cols["user"][where], cols["event"][where], cols["content"][where], n_users)
    order = np.argsort(key, kind="stable")  # ties stay in file order
    key = key[order]
    repeat = np.zeros(len(ts), bool)
    repeat[where[order[1:][key[1:] == key[:-1]]]] = True
    seen: set[tuple] = set()
    for i in np.flatnonzero(~inside):  # out-of-range or unreadable times: a handful of rows
        k = (int(cols["file"][i]), int(ts[i]) if readable[i] else None,
             *(int(cols[c][i]) for c in ("user", "event", "content")))
        repeat[i] = k in seen
        seen.add(k)
    return repeat


def _oracle(rows: EventRows, users: Users) -> None:
    """Every rule each row breaks, from its final values, must be exactly its intended rule (or none)."""
    c = rows.cols
    lo, hi = between(EVENTS, "PLAT-05", "duration_s")
    readable = np.ones(rows.height, bool)
    unreadable = rows.faults.filter(pl.col("ts_text").is_not_null()).get_column("row").to_numpy()
    readable[unreadable] = False
    broken = {
        "REF-01": c["school"] >= users.n_register,
        "PLAT-02": (c["platform"] >= N_PLATFORMS) | (c["event"] >= N_EVENT_TYPES),
        # judged by the day: not before 1 Jan 2560, not after today
        "PLAT-03": readable & ((c["ts"] < epoch_s(earliest(EVENTS))) | (c["ts"] // DAY_S > days_since_epoch(TODAY))),
        "PLAT-04": _repeats(c, readable, len(users.ids)),
        "PLAT-05": (c["duration"] < lo) | (c["duration"] > hi),
        "FMT-01": ~readable,
    }
    for rule, mask in broken.items():
        meant = np.zeros(rows.height, bool)
        meant[rows.faults.filter(pl.col("rule") == rule).get_column("row").to_numpy()] = True
        assert np.array_equal(mask, meant), f"{rule}: rows {np.flatnonzero(mask != meant)[:5]} break it unintended or keep it"
    assert set(rows.faults.get_column("rule")) == set(broken)


def make_event_rows(rng: np.random.Generator, users: Users, events: int) -> EventRows:
    """Exactly `events` rows: the sessions' good events in time order, the faulty rows among them."""
    cols = simulate(rng, users, events - N_FAULT_ROWS)
    keys = _sorted_unique(cols, len(users.ids))
    faults = sorted(_faults(rng, cols, keys, users), key=lambda r: r["at"])  # stable: list order at one place
    at = np.array([r["at"] for r in faults])
    cols["file"] = month_of(cols["ts"])
    for name in cols:
        cols[name] = np.insert(cols[name], at, np.array([r[name] for r in faults], dtype=cols[name].dtype))
    assert (np.diff(cols["file"]) >= 0).all() and len(cols["ts"]) == events
    bounds = np.searchsorted(cols["file"], np.arange(len(EVENT_FILES) + 1))
    fault_frame = pl.DataFrame({"row": at + np.arange(len(faults)), "rule": [r["rule"] for r in faults],
                                "ts_text": [r["ts_text"] for r in faults]}, schema_overrides={"ts_text": pl.String})
    rows = EventRows(cols, bounds, fault_frame)
    _oracle(rows, users)
    return rows


def _timestamp_text(form: str) -> pl.Expr:
    dt = pl.from_epoch("ts", time_unit="s")
    if form == "iso_t":
        return dt.dt.strftime("%Y-%m-%dT%H:%M:%S+07:00")
    if form == "be_slash":
        return pl.format("{}/{}/{} {}", dt.dt.strftime("%d"), dt.dt.strftime("%m"),
                         dt.dt.year().cast(pl.Int32) + 543, dt.dt.strftime("%H:%M:%S"))
    return dt.dt.strftime("%Y-%m-%d %H:%M:%S")


def event_frame(rows: EventRows, i: int, users: Users, spec: EventFile) -> pl.DataFrame:
    """File i's rows as written: strings and ints under the contract's column names."""
    lo, hi = int(rows.bounds[i]), int(rows.bounds[i + 1])
    part = pl.DataFrame({name: values[lo:hi] for name, values in rows.cols.items() if name != "file"})
    blank = {c: pl.when(pl.col(c) >= 0).then(pl.col(c)) for c in ("school", "content")}
    timestamp = (pl.from_epoch("ts", time_unit="s").cast(pl.Datetime("us")) if spec.fmt == "parquet"
                 else _timestamp_text(spec.ts_form))
    frame = part.select(
        timestamp=timestamp,
        platform=pl.lit(pl.Series(PLATFORM_LABELS)).gather(pl.col("platform")),
        user_id=pl.lit(users.ids).gather(pl.col("user")),
        school_code=pl.lit(users.codes).gather(blank["school"]),
        event_type=pl.lit(pl.Series(EVENT_LABELS)).gather(pl.col("event")),
        content_id=pl.lit(_catalogue()[0]).gather(blank["content"]),
        duration_s=pl.col("duration").cast(pl.Int64),
    )
    texts = rows.faults.filter(pl.col("ts_text").is_not_null() & pl.col("row").is_between(lo, hi - 1))
    if texts.height:
        assert spec.fmt == "csv", "an unreadable time can only be written in a CSV file"
        frame = frame.with_columns(frame.get_column("timestamp").scatter(
            (texts.get_column("row") - lo).to_numpy(), texts.get_column("ts_text")))
    return frame


def write_event_files(land: Landing, rows: EventRows, users: Users) -> list[dict]:
    """The twelve monthly files, in month order; returns one description (with counts) per file."""
    out = []
    for i, spec in enumerate(EVENT_FILES):
        def write(path: Path, i=i, spec=spec) -> None:
            frame = event_frame(rows, i, users, spec)
            if spec.fmt == "parquet":
                frame.write_parquet(path, compression="zstd", statistics=True)
            else:
                frame.rename({c: header(EVENTS, c, spec.header) for c in frame.columns}).write_csv(
                    path, include_bom=spec.bom)

        land.add(spec.rel, EVENTS, [], write)
        n = int(rows.bounds[i + 1] - rows.bounds[i])
        quarantined = rows.faults.filter(pl.col("row").is_between(rows.bounds[i], rows.bounds[i + 1] - 1)).height
        out.append({"file": spec.rel, "month": spec.month, "format": spec.fmt,
                    "header": ("th" if spec.header == "th" else "en") if spec.fmt == "csv" else None,
                    "timestamp_form": spec.ts_form if spec.fmt == "csv" else "timestamp",
                    "encoding": ("utf-8-sig" if spec.bom else "utf-8") if spec.fmt == "csv" else None,
                    "rows": n, "valid": n - quarantined, "quarantined": quarantined})
    return out
