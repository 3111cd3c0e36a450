"""The sample district's digital-platform files: deterministic, exactly as many rows and faults as the truth
says, and daily files that equal the events' aggregates except where a difference was planted.

Everything is read back from the files with polars and plain Python (not with the pipeline, and not with
the generator's own frames): rules, outcomes and aggregates are recomputed here from what was written.
"""

from __future__ import annotations

import codecs
import io
import json
import random
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from pipelines.sample import generate
from pipelines.sample.platform import DEFAULT_EVENTS, MIN_EVENTS
from pipelines.sample.platform_daily import _count_text
from pipelines.sample.register import Codes, make_schools
from warehouse import contracts

REPO = Path(__file__).resolve().parents[3]
EVENTS, DAILY = "platform_events", "platform_daily"
TODAY, EARLIEST = date(2026, 12, 1), date(2017, 1, 1)
LIMIT_S = 86_400
OUTCOMES = ("valid", "flagged", "quarantined", "superseded")
SEED, SCHOOLS = 2569, 300


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("platform")
    return root, generate(root, seed=SEED, n_schools=SCHOOLS)


@pytest.fixture(scope="module")
def register() -> set[str]:
    """The register's schools, made as generate() makes them (its first draws from the seed)."""
    rng = random.Random(SEED)
    return {s.code for s in make_schools(rng, SCHOOLS, Codes(rng, SCHOOLS))}


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def _labels(name: str) -> dict[str, str]:
    """Every way a list's item is written (key, Thai, English, aliases) -> its key."""
    return {_norm(v): i.key for i in contracts.lists()[name] for v in (i.key, i.th, i.en, *i.aliases)}


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp874"), "cp874"


def _read_csv(path: Path, table: str) -> tuple[pl.DataFrame, list[str], str]:
    """A CSV as strings under the contract's column names (matched by header or alias)."""
    text, encoding = _decode(path.read_bytes())
    frame = pl.read_csv(text.encode("utf-8"), infer_schema=False)
    names = {_norm(n): c.name for c in contracts.get(table).columns for n in (c.th, c.name, *c.aliases)}
    return frame.rename({h: names[_norm(h)] for h in frame.columns}), frame.columns, encoding


def _timestamp(text: str | None) -> datetime | None:
    """The three forms the event CSVs use; anything else is unreadable."""
    if text is None:
        return None
    for form in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S+07:00"):
        try:
            return datetime.strptime(text, form)
        except ValueError:
            pass
    m = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2}):(\d{2})", text)
    try:
        return datetime(int(m[3]) - 543, int(m[2]), int(m[1]), int(m[4]), int(m[5]), int(m[6])) if m else None
    except ValueError:
        return None


def _day(text: str) -> date:
    """15/01/2569 (BE), 2569-01-15 (BE) or 2026-01-15 (CE)."""
    if "/" in text:
        d, m, y = map(int, text.split("/"))
    else:
        y, m, d = map(int, text.split("-"))
    return date(y - 543 if y > 2400 else y, m, d)


def _events(root: Path, expected: dict) -> pl.DataFrame:
    """Every event row, in file order: file, row, ts (None: unreadable), the columns as written."""
    parts = []
    for f in expected["platform"]["event_files"]:
        path = root / "landing" / f["file"]
        if f["format"] == "parquet":
            frame = pl.read_parquet(path)
            assert frame.schema["timestamp"] == pl.Datetime("us")
            frame = frame.with_columns(ts=pl.col("timestamp"))
        else:
            frame, _, _ = _read_csv(path, EVENTS)
            frame = frame.with_columns(ts=pl.col("timestamp").map_elements(_timestamp, return_dtype=pl.Datetime("us")),
                                       duration_s=pl.col("duration_s").cast(pl.Int64))
        parts.append(frame.select(pl.lit(f["file"]).alias("file"), "ts", "platform", "user_id", "school_code",
                                  "event_type", "content_id", pl.col("duration_s").cast(pl.Int64)))
    return pl.concat(parts).with_row_index("row")


def _event_rules(events: pl.DataFrame, register: set[str]) -> pl.DataFrame:
    """Each event row's rules, as contract 3.4 states them."""
    platforms, types = set(contracts.lists()["platforms"]), contracts.lists()["event_types"]
    return events.select(
        "row", "file",
        **{"FMT-01": pl.col("ts").is_null(),
           "PLAT-03": (pl.col("ts").dt.date() < EARLIEST) | (pl.col("ts").dt.date() > TODAY),
           "PLAT-02": ~pl.col("platform").is_in([p.key for p in platforms]) | ~pl.col("event_type").is_in([t.key for t in types]),
           "PLAT-05": ~pl.col("duration_s").is_between(0, LIMIT_S),
           "REF-01": pl.col("school_code").is_not_null() & ~pl.col("school_code").is_in(sorted(register)),
           "PLAT-04": pl.int_range(pl.len()).over("file", "ts", "user_id", "event_type", "content_id") > 0},
    ).with_columns(pl.col("PLAT-03").fill_null(False))


def _daily(root: Path, expected: dict) -> pl.DataFrame:
    """Every daily row, logical: file, arrival (file order), date, platform, school, user type, counts."""
    platforms, types = _labels("platforms"), _labels("user_types")
    parts = []
    for arrival, f in enumerate(expected["platform"]["daily_files"]):
        frame, _, _ = _read_csv(root / "landing" / f["file"], DAILY)
        counts = {c: pl.col(c).str.replace_all(",", "").cast(pl.Int64) for c in
                  ("active_users", "sessions", "media_views", "downloads")}
        parts.append(frame.select(
            file=pl.lit(f["file"]), arrival=pl.lit(arrival),
            date=pl.col("date").map_elements(_day, return_dtype=pl.Date),
            platform=pl.col("platform").map_elements(lambda v: platforms.get(_norm(v), v), return_dtype=pl.String),
            school_code=pl.col("school_code"),
            user_type=pl.col("user_type").map_elements(lambda v: types.get(_norm(v), v), return_dtype=pl.String),
            **counts))
    return pl.concat(parts).with_row_index("row")


def _daily_outcomes(daily: pl.DataFrame, register: set[str]) -> pl.DataFrame:
    """Rules and outcomes of the daily rows (section 1: quarantine, then the later arrival supersedes)."""
    counts = ("active_users", "sessions", "media_views", "downloads")
    school = pl.col("school_code").fill_null("-")
    rules = daily.with_columns(
        **{"REF-01": pl.col("school_code").is_not_null() & ~pl.col("school_code").is_in(sorted(register)),
           "PLAT-01": (pl.any_horizontal(*(pl.col(c) < 0 for c in counts)).fill_null(False)
                       | (pl.col("sessions") < pl.col("active_users")).fill_null(False)),
           "PLAT-02": ~pl.col("platform").is_in([i.key for i in contracts.lists()["platforms"]])
           | ~pl.col("user_type").is_in([i.key for i in contracts.lists()["user_types"]]),
           "PLAT-03": (pl.col("date") < EARLIEST) | (pl.col("date") > TODAY),
           "PLAT-04": pl.len().over("file", "date", "platform", school, "user_type") > 1})
    rule_cols = ["REF-01", "PLAT-01", "PLAT-02", "PLAT-03", "PLAT-04"]
    rules = rules.with_columns(bad=pl.sum_horizontal(*rule_cols))
    later = rules.filter(pl.col("bad") == 0).with_columns(
        last=pl.col("row").max().over("date", "platform", school, "user_type"))
    superseded = later.filter(pl.col("row") < pl.col("last")).get_column("row")
    return rules.with_columns(outcome=pl.when(pl.col("bad") > 0).then(pl.lit("quarantined"))
                              .when(pl.col("row").is_in(superseded)).then(pl.lit("superseded"))
                              .otherwise(pl.lit("valid")))


def _files(root: Path, under: str = "") -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / under).rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_and_the_survey_files_do_not_move(district, tmp_path):
    root, expected = district
    again = generate(tmp_path / "again", seed=SEED, n_schools=SCHOOLS)
    assert again == expected
    assert _files(tmp_path / "again") == _files(root)
    generate(tmp_path / "none", seed=SEED, n_schools=SCHOOLS, events=0)
    surveys = {k: v for k, v in _files(root, "landing").items() if not k.startswith("landing/platform/")}
    assert _files(tmp_path / "none", "landing") == surveys
    other = generate(tmp_path / "other", seed=7, n_schools=SCHOOLS)
    rel = expected["platform"]["event_files"][0]["file"]
    assert (tmp_path / "other" / "landing" / rel).read_bytes() != (root / "landing" / rel).read_bytes()
    assert other["platform"]["events"] == DEFAULT_EVENTS


def test_truth_lists_every_platform_file_and_rule(district):
    root, expected = district
    p = expected["platform"]
    landed = {f.relative_to(root / "landing").as_posix() for f in (root / "landing" / "platform").rglob("*") if f.is_file()}
    listed = [f["file"] for f in p["event_files"]] + [f["file"] for f in p["daily_files"]]
    assert landed == set(listed) == {rel for rel, f in expected["files"].items() if f["table"] in (EVENTS, DAILY)}
    assert len(p["event_files"]) == 12 and p["events"] == DEFAULT_EVENTS
    for table in (EVENTS, DAILY):
        parse = set(contracts.parse_rules())
        assert set(expected["rule_rows"][table]) == set(contracts.get(table).rule_ids) | parse
        files = [f for f in expected["files"].values() if f["table"] == table]
        assert sum(f["quarantined"] for f in files) == sum(expected["rule_rows"][table].values())
        for f in files:
            assert f["rows_in"] == sum(f[k] for k in OUTCOMES) and f["flagged"] == 0 and f["error"] is None
    for rule in ("PLAT-02", "PLAT-03", "PLAT-04", "PLAT-05", "REF-01", "FMT-01"):
        assert 3 <= expected["rule_rows"][EVENTS][rule] <= 20, rule
    for rule in ("PLAT-01", "PLAT-02", "PLAT-03", "PLAT-04", "REF-01"):
        assert 2 <= expected["rule_rows"][DAILY][rule] <= 20, rule
    assert 300 <= p["daily_rows"] <= 5000


def test_event_files_hold_exactly_the_rows_and_faults_of_the_truth(district, register):
    root, expected = district
    events = _events(root, expected)
    assert events.height == DEFAULT_EVENTS
    rules = _event_rules(events, register)
    names = [c for c in rules.columns if c not in ("row", "file")]
    assert rules.filter(pl.sum_horizontal(*names) > 1).height == 0, "a faulty row breaks exactly one rule"
    assert {r: int(rules.get_column(r).sum()) for r in names} == \
        {r: n for r, n in expected["rule_rows"][EVENTS].items() if r in names}
    assert all(n == 0 for r, n in expected["rule_rows"][EVENTS].items() if r not in names)
    per_file = rules.group_by("file").agg(rows=pl.len(), quarantined=pl.sum_horizontal(*names).sum())
    for file, rows, quarantined in per_file.iter_rows():
        e = expected["files"][file]
        assert (rows, quarantined, rows - quarantined) == (e["rows_in"], e["quarantined"], e["valid"]), file
    # the first copy of a repeated event is valid: each repeat follows an identical row of its file
    assert rules.filter("PLAT-04").height == expected["rule_rows"][EVENTS]["PLAT-04"]
    valid = events.join(rules.filter(pl.sum_horizontal(*names) == 0).select("row"), on="row")
    months = valid.group_by(pl.col("ts").dt.strftime("%Y-%m")).len()
    assert dict(months.iter_rows()) == expected["platform"]["valid_events_by_month"]
    # every good timestamp lies in fiscal year 2569 and before today
    assert valid.get_column("ts").min() >= datetime(2025, 10, 1) and valid.get_column("ts").max() < datetime(2026, 10, 1)


def test_event_files_come_in_csv_with_thai_and_english_headers_and_parquet(district):
    root, expected = district
    kinds = set()
    for f in expected["platform"]["event_files"]:
        path = root / "landing" / f["file"]
        if f["format"] == "parquet":
            schema = pl.read_parquet_schema(path)
            assert schema["timestamp"] == pl.Datetime("us") and schema["duration_s"] == pl.Int64
            kinds.add("parquet")
            continue
        _, headers, encoding = _read_csv(path, EVENTS)
        cols = contracts.get(EVENTS).columns
        assert headers == ([c.th for c in cols] if f["header"] == "th" else [c.name for c in cols]), f["file"]
        assert encoding == f["encoding"]
        kinds.add(f"csv-{f['header']}-{f['timestamp_form']}")
    assert {"parquet", "csv-th-iso", "csv-en-iso", "csv-th-be_slash", "csv-en-iso_t"} <= kinds


def test_events_look_like_a_school_year(district, register):
    root, expected = district
    events = _events(root, expected)
    rules = _event_rules(events, register)
    valid = events.join(rules.filter(~pl.any_horizontal(pl.exclude("row", "file"))).select("row"), on="row")
    assert set(valid.get_column("platform")) == {p.key for p in contracts.lists()["platforms"]}
    assert set(valid.get_column("event_type")) == {e.key for e in contracts.lists()["event_types"]}
    hour, weekday = valid.get_column("ts").dt.hour(), valid.get_column("ts").dt.weekday()
    school_hours = ((weekday <= 5) & hour.is_between(8, 15)).mean()
    assert school_hours > 0.5, "weekday school hours dominate"
    assert (weekday >= 6).mean() > 0.03 and hour.is_between(18, 22).mean() > 0.05, "some evening and weekend use"
    assert valid.get_column("duration_s").is_between(0, 3600).mean() > 0.9
    # a user's day on a platform starts with a login
    firsts = valid.sort("ts").group_by("user_id", pl.col("ts").dt.date(), "platform").agg(pl.col("event_type").first())
    assert set(firsts.get_column("event_type")) == {"login"}
    # public users have no school; everyone else has one
    public = valid.get_column("user_id").str.starts_with("guest-")
    assert (public == valid.get_column("school_code").is_null()).all()
    assert re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)+", valid.get_column("content_id").drop_nulls()[0])


def test_user_ids_are_distinctive_and_show_the_user_type(district):
    root, expected = district
    events = _events(root, expected)
    ids = set(events.get_column("user_id"))
    pattern = re.compile(r"stu-\d{7}|t\.[a-z]+\.\d{7}@kk4\.example|staff\.[a-z]+\.\d{7}@kk4\.example|guest-\d{7}")
    assert all(pattern.fullmatch(u) for u in ids)
    # The ground truth never holds a raw id (it lives under the data root, where none may be: PII-01).
    assert not any(u in json.dumps(expected, ensure_ascii=False) for u in ids)
    samples = [min(u for u in ids if u.startswith(prefix)) for prefix in expected["platform"]["user_id_prefixes"].values()]
    assert expected["platform"]["users_all_rows"] == len(ids)
    assert set(expected["platform"]["user_id_prefixes"]) == {t.key for t in contracts.lists()["user_types"]}
    # no user id appears outside the event files
    for rel in (f["file"] for f in expected["platform"]["daily_files"]):
        text, _ = _decode((root / "landing" / rel).read_bytes())
        assert not any(s in text for s in samples)


def test_daily_files_are_the_events_aggregates_but_the_planted_differences(district, register):
    root, expected = district
    events = _events(root, expected)
    rules = _event_rules(events, register)
    good = events.join(rules.filter(~pl.any_horizontal(pl.exclude("row", "file"))).select("row"), on="row")
    prefix = {v: k for k, v in expected["platform"]["user_id_prefixes"].items()}
    user_type = pl.col("user_id").map_elements(
        lambda u: next(t for p, t in sorted(prefix.items(), key=lambda x: -len(x[0])) if u.startswith(p)),
        return_dtype=pl.String)
    key = ["date", "platform", "school_code", "user_type"]
    derived = good.filter(pl.col("platform").is_in(["DLTV", "DLIT"])).with_columns(
        date=pl.col("ts").dt.date(), user_type=user_type).group_by(key).agg(
        active_users=pl.col("user_id").n_unique(), sessions=(pl.col("event_type") == "login").sum(),
        media_views=(pl.col("event_type") == "view").sum(), downloads=(pl.col("event_type") == "download").sum())
    daily = _daily_outcomes(_daily(root, expected), register)
    valid = daily.filter(pl.col("outcome") == "valid")
    assert valid.select(key).is_duplicated().sum() == 0
    both = valid.join(derived, on=key, how="full", coalesce=True, nulls_equal=True, suffix="_ev")
    counts = ["active_users", "sessions", "media_views", "downloads"]
    both = both.with_columns(
        **{f"d_{c}": pl.col(c).fill_null(0) - pl.col(f"{c}_ev").fill_null(0) for c in ("active_users", "sessions", "downloads")},
        d_media_views=pl.when(pl.col("row").is_not_null() & pl.col("media_views").is_null()).then(0)
        .otherwise(pl.col("media_views").fill_null(0) - pl.col("media_views_ev").fill_null(0)))
    per_day = both.group_by("date", "platform").agg(pl.col(f"d_{c}").sum().alias(c) for c in counts)
    found = {(d.isoformat(), p): tuple(v) for d, p, *v in per_day.filter(pl.any_horizontal(pl.col(c) != 0 for c in counts)).iter_rows()}
    planted = {(d["date"], d["platform"]): tuple(d[c] for c in counts) for d in expected["platform"]["reconciliation_differences"]}
    assert found == planted and len(planted) == 3
    assert valid.get_column("media_views").null_count() == expected["platform"]["daily_blank_media_views"] > 0


def test_daily_rules_outcomes_and_resent_file(district, register):
    root, expected = district
    daily = _daily_outcomes(_daily(root, expected), register)
    rules = ["REF-01", "PLAT-01", "PLAT-02", "PLAT-03", "PLAT-04"]
    assert daily.filter(pl.col("bad") > 1).height == 0, "a faulty daily row breaks exactly one rule"
    assert {r: int(daily.get_column(r).sum()) for r in rules} == \
        {r: n for r, n in expected["rule_rows"][DAILY].items() if r in rules}
    for file, group in daily.group_by("file"):
        got = {k: group.filter(pl.col("outcome") == k).height for k in ("valid", "quarantined", "superseded")}
        assert got == {k: expected["files"][file[0]][k] for k in got}, file[0]
    superseded = daily.filter(pl.col("outcome") == "superseded")
    assert superseded.height == len(expected["platform"]["superseded_rows"]) > 0
    listed = {(s["file"], s["date"], s["platform"], s["school_code"], s["user_type"])
              for s in expected["platform"]["superseded_rows"]}
    assert {(f, d.isoformat(), p, s, t) for f, d, p, s, t in
            superseded.select("file", "date", "platform", "school_code", "user_type").iter_rows()} == listed
    resent = next(f for f in expected["platform"]["daily_files"] if f["resent"])
    landing = root / "landing"
    assert all((landing / resent["file"]).stat().st_mtime > (landing / s["file"]).stat().st_mtime
               for s in expected["platform"]["superseded_rows"])
    days = daily.filter(pl.col("file") == resent["file"]).get_column("date").unique().sort()
    assert [d.isoformat() for d in days] == expected["platform"]["resent_days"]


def test_daily_files_come_in_cp874_utf8_bom_and_english(district):
    root, expected = district
    seen = set()
    cols = contracts.get(DAILY).columns
    known = {_norm(n) for c in cols for n in (c.th, *c.aliases)}
    for f in expected["platform"]["daily_files"]:
        raw = (root / "landing" / f["file"]).read_bytes()
        _, headers, encoding = _read_csv(root / "landing" / f["file"], DAILY)
        assert encoding == f["encoding"], f["file"]
        if encoding == "cp874":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            assert b"\r\n" in raw
        if f["header"] == "th":
            assert headers == [c.th for c in cols]
        assert all(_norm(h) in known for h in headers)
        seen.add((encoding, f["header"], f["date_form"]))
    assert {e for e, _, _ in seen} == {"cp874", "utf-8", "utf-8-sig"}
    assert {h for _, h, _ in seen} >= {"th", "en"}
    assert {d for _, _, d in seen} == {"be_slash", "be_iso", "ce_iso"}
    assert {f["platform"] for f in expected["platform"]["daily_files"]} == {"DLTV", "DLIT"}


def test_counts_of_a_thousand_and_more_carry_a_separator():
    frame = pl.DataFrame({"v": [5, 999, 1000, 1250, 1_234_567, -3, None]})
    assert frame.select(_count_text("v", True)).to_series().to_list() == \
        ["5", "999", "1,000", "1,250", "1,234,567", "-3", None]
    assert frame.select(_count_text("v", False)).to_series().to_list()[3] == "1250"


def test_too_few_events_are_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError):
        generate(tmp_path, events=MIN_EVENTS - 1)
    assert not any(tmp_path.iterdir())


def test_command_line_writes_the_asked_number_of_events(tmp_path):
    out = tmp_path / "root"
    done = subprocess.run([sys.executable, "-m", "pipelines.sample", "--events", "50000", "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    rows = 0
    for path in (out / "landing" / "platform" / "events").iterdir():
        if path.suffix == ".parquet":
            rows += pl.read_parquet(path).height
        else:
            rows += pl.read_csv(io.BytesIO(path.read_bytes()), infer_schema=False).height
    assert rows == 50_000
    assert '"events": 50000' in (out / "sample" / "expected.json").read_text(encoding="utf-8")
