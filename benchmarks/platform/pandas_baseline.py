"""Plain pandas baseline for the platform benchmark: the digital-platform files of a landing zone read,
checked and aggregated the way a careful analyst would write it in pandas, with nothing of Khlang's
pipeline (no Polars, no GX, no Dagster, no DuckDB).

Usage (prints one JSON line; writes the aggregates as Parquet into --out when given):
    .venv/bin/python benchmarks/platform/pandas_baseline.py --home DATA_ROOT [--key KEY_FILE] [--out DIR] [--today YYYY-MM-DD]

`benchmarks/platform.py` runs it in a fresh process beside `khlang ingest` on the same landing files and
compares its aggregates with Khlang's published marts (platform_events_daily, platform_monthly_users,
platform_reconciliation), so the two are known to compute the same thing. What it does:

- every event file under landing/platform/events (CSV in UTF-8 with or without BOM, else cp874; Parquet)
  and every daily file under landing/platform/daily, files in arrival order (modification time, then path);
- headers mapped to the contract's column names with the contract's aliases (`warehouse.contracts`: only
  the YAML is read), list values (platforms, event and user types) mapped to their keys the same way;
- timestamps and dates parsed (ISO with or without T and offset, d/m/yyyy with BE years, BE or CE ISO
  dates), counts with thousands separators; unreadable or missing required values quarantined (FMT-01/REQ-01);
- the register (REF-01) read with read_excel: the school-code column found by its header, its codes
  cleaned as a careful analyst would (Thai digits, a leading apostrophe, spaces, zero-width spaces), SCH-01
  applied (10 + 8 digits, written once);
- the contracts' rules as boolean masks: REF-01, PLAT-01..05 (PLAT-04 of events: a repeat within its file
  after the first; of daily rows: every row of a repeated key), FMT-01/REQ-01; superseded daily rows (the
  later arrival of a key wins);
- user_id replaced by HMAC-SHA256 (hmac/hashlib, once per distinct value) with the same key as Khlang;
- aggregates: per date, platform and school (distinct users, sessions = logins, views, downloads, quiz
  submissions, events, total duration), per month and platform (distinct users, events, schools; and
  'ALL'), and the reconciliation of the daily files against the events per date and platform.

Progress goes to stderr as `phase: ...` lines (the benchmark reports the last one if it stops a run that
goes over its memory or time limit). Phases are timed apart in the JSON (`seconds`).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import sys
import time
import unicodedata
from datetime import date, datetime
from pathlib import Path
from resource import RUSAGE_SELF, getrusage
from zoneinfo import ZoneInfo

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the repository: the contracts' header aliases

EVENTS, DAILY, SCHOOLS = "platform_events", "platform_daily", "schools"
COUNTS = ["active_users", "sessions", "media_views", "downloads"]
_SPACES = re.compile(r"\s+")
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def norm(label) -> str:
    """A header or list value compared loosely: NFKC, lower case, spaces collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", str(label))).strip().lower()


def phase(name: str) -> None:
    print(f"phase: {name} ({time.perf_counter() - STARTED:.1f} s)", file=sys.stderr, flush=True)


class Timer:
    def __init__(self):
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str):
        timer = self

        class _Phase:
            def __enter__(self):
                phase(name)
                self.t = time.perf_counter()

            def __exit__(self, *exc):
                timer.seconds[name] = round(timer.seconds.get(name, 0.0) + time.perf_counter() - self.t, 3)

        return _Phase()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", required=True, type=Path, help="data root whose landing/ holds the platform files")
    key_env = os.environ.get("KHLANG_KEY_FILE")
    ap.add_argument("--key", required=not key_env, type=Path, default=key_env,
                    help="the PII key file (hex) Khlang hashes with (default: $KHLANG_KEY_FILE)")
    ap.add_argument("--out", type=Path, help="folder for the aggregates (Parquet)")
    ap.add_argument("--today", type=date.fromisoformat, help="the day PLAT-03 judges against (default: today in Bangkok)")
    args = ap.parse_args(argv)
    timer = Timer()
    with timer("import"):
        import numpy as np
        import pandas as pd

        from warehouse.contracts import contracts, lists
    today = args.today or datetime.now(ZoneInfo("Asia/Bangkok")).date()
    landing = args.home / "landing"
    contract = contracts()

    def header_map(table: str) -> dict[str, str]:
        out = {}
        for col in contract[table].columns:
            for label in (col.name, col.th, col.en, *col.aliases):
                out.setdefault(norm(label), col.name)
        return out

    def list_map(name: str) -> tuple[dict[str, str], list[str]]:
        items = lists()[name]
        out = {}
        for i in items:
            for label in (i.key, i.th, i.en, *i.aliases):
                out.setdefault(norm(label), i.key)
        return out, [i.key for i in items]

    def to_key(s: pd.Series, name: str) -> tuple[pd.Series, list[str]]:
        mapping, keys = list_map(name)
        uniq = s.dropna().unique()
        return s.map({u: mapping.get(norm(u), u) for u in uniq}), keys

    def read_csv(path: Path) -> pd.DataFrame:
        try:  # Khlang's order: UTF-8 (with or without BOM), then Thai cp874
            return pd.read_csv(path, dtype=str, encoding="utf-8-sig")
        except UnicodeDecodeError:
            return pd.read_csv(path, dtype=str, encoding="cp874")

    def files(folder: Path) -> list[Path]:
        found = [p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in (".csv", ".parquet")]
        return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.relative_to(landing).as_posix()))

    def read_all(table: str, folder: Path, prepare) -> pd.DataFrame:
        """Every file of a table, in arrival order, headers renamed, each file's values parsed by
        `prepare` (forms differ between files: one export writes BE dates, another ISO)."""
        names = header_map(table)
        frames = []
        for i, p in enumerate(files(folder)):
            df = pd.read_parquet(p) if p.suffix.lower() == ".parquet" else read_csv(p)
            df = df.rename(columns={c: names[norm(c)] for c in df.columns if norm(c) in names})
            missing = [c.name for c in contract[table].columns if c.required and c.name not in df.columns]
            if missing:
                raise SystemExit(f"{p}: required column(s) not found: {missing}")
            for c in contract[table].columns:
                if c.name not in df.columns:
                    df[c.name] = None
            df = prepare(df)
            df["_file"] = i
            frames.append(df)
        return pd.concat(frames, ignore_index=True)

    def readable_number(s: pd.Series) -> pd.Series:
        if pd.api.types.is_numeric_dtype(s):
            return s.astype("float64")
        return pd.to_numeric(s.astype("str").str.replace(",", "", regex=False).str.strip(), errors="coerce")

    def be_to_ce(year: pd.Series) -> pd.Series:
        return year.where(year < 2400, year - 543)

    def parse_timestamps(s: pd.Series) -> pd.Series:
        if pd.api.types.is_datetime64_any_dtype(s):
            ts = s
        elif re.match(r"^\d{1,2}/\d{1,2}/\d{4}", s.dropna().iloc[0] if s.notna().any() else ""):
            # 15/01/2569 08:30:12 (BE or CE year)
            p = s.str.extract(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})\s*$").astype("float64")
            ts = pd.to_datetime(pd.DataFrame({"year": be_to_ce(p[2]), "month": p[1], "day": p[0], "hour": p[3],
                                              "minute": p[4], "second": p[5]}), errors="coerce")
        else:  # 2026-01-15 08:30:12, 2026-01-15T08:30:12+07:00
            ts = pd.to_datetime(s, format="ISO8601", errors="coerce")
        if ts.dt.tz is not None:
            ts = ts.dt.tz_convert("Asia/Bangkok").dt.tz_localize(None)
        return ts.astype("datetime64[us]")

    def parse_dates(s: pd.Series) -> pd.Series:
        p = s.str.extract(r"^\s*(?:(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{1,2})-(\d{1,2}))\s*$").astype("float64")
        parts = pd.DataFrame({"year": be_to_ce(p[2].fillna(p[3])), "month": p[1].fillna(p[4]), "day": p[0].fillna(p[5])})
        return pd.to_datetime(parts, errors="coerce").astype("datetime64[us]")

    def text(s: pd.Series) -> pd.Series:
        """Text as written, trimmed; blank is missing."""
        return s.astype("str").str.strip().replace("", None).where(s.notna(), None)

    # --------------------------------------------------------------------- the register (REF-01)
    with timer("register"):
        school_labels = set(header_map(SCHOOLS))
        code_labels = {norm(x) for c in contract[SCHOOLS].columns if c.name == "school_code"
                       for x in (c.name, c.th, c.en, *c.aliases)}
        codes = []
        for p in sorted((landing / "schools").rglob("*.xlsx")):
            for sheet in pd.read_excel(p, sheet_name=None, header=None, dtype=str).values():
                for r in range(min(len(sheet), 30)):  # the header row: the first naming the school code
                    row = [norm(v) for v in sheet.iloc[r].tolist()]
                    hits = [j for j, v in enumerate(row) if v in code_labels]
                    if hits and sum(v in school_labels for v in row) >= 3:
                        codes.append(sheet.iloc[r + 1:, hits[0]].dropna().astype("str").str.strip())
                        break
        written = pd.concat(codes) if codes else pd.Series([], dtype="str")
        # typed by hand: Thai digits, a leading apostrophe, spaces, zero-width spaces; then SCH-01, the register's
        # rule on the code: 10 + 8 digits, written once (a code written twice is quarantined, both rows)
        written = written.str.translate(THAI_DIGITS).str.replace(r"[^0-9]", "", regex=True)
        written = written[written.str.fullmatch(r"10\d{8}")]
        register = set(written[~written.duplicated(keep=False)])

    def preparer(when: str, parse, numbers: tuple[str, ...], texts: tuple[str, ...]):
        """A file's columns typed: `when` by `parse`, `numbers` as numbers, `texts` cleaned; `_unreadable`
        where a written value could not be read."""
        def prepare(df: pd.DataFrame) -> pd.DataFrame:
            raw = df[when]
            df[when] = parse(raw)
            df["_unreadable"] = df[when].isna() & raw.notna()
            for c in numbers:
                number = readable_number(df[c])
                df["_unreadable"] |= df[c].notna() & number.isna()
                df[c] = number
            for c in texts:
                df[c] = text(df[c])
            return df
        return prepare

    # --------------------------------------------------------------------- events
    with timer("read + parse events"):
        ev = read_all(EVENTS, landing / "platform" / "events",
                      preparer("timestamp", parse_timestamps, ("duration_s",),
                               ("platform", "user_id", "school_code", "event_type", "content_id")))
        ev["platform"], platforms = to_key(ev["platform"], "platforms")
        ev["event_type"], event_types = to_key(ev["event_type"], "event_types")
    n_events = len(ev)
    with timer("hash user_id"):  # PII-01: HMAC-SHA256 once per distinct value
        key_text = args.key.read_text(encoding="ascii").strip()
        try:
            key = bytes.fromhex(key_text)
        except ValueError:
            key = key_text.encode()
        digests = {u: "h1:" + hmac.new(key, u.encode("utf-8"), hashlib.sha256).hexdigest()
                   for u in ev["user_id"].dropna().unique()}
        ev["user_id"] = ev["user_id"].map(digests)
    with timer("rules events"):
        day = ev["timestamp"].dt.normalize()
        rules_e = {
            "FMT-01/REQ-01": ev[["timestamp", "platform", "user_id", "event_type"]].isna().any(axis=1) | ev["_unreadable"],
            "REF-01": ev["school_code"].notna() & ~ev["school_code"].isin(register),
            "PLAT-02": ~ev["platform"].isin(platforms) | ~ev["event_type"].isin(event_types),
            "PLAT-03": (day < pd.Timestamp(contract[EVENTS].parameters["earliest"])) | (day > pd.Timestamp(today)),
            "PLAT-04": ev.duplicated(["_file", "timestamp", "user_id", "event_type", "content_id"], keep="first"),
            "PLAT-05": ev["duration_s"].notna() & ((ev["duration_s"] < 0) | (ev["duration_s"] > 86400)),
        }
        bad = np.logical_or.reduce([m.to_numpy(dtype=bool) for m in rules_e.values()])
        valid_ev = ev.loc[~bad, ["timestamp", "platform", "user_id", "school_code", "event_type", "duration_s"]]
        del ev, day

    # --------------------------------------------------------------------- daily files
    with timer("read + parse daily"):
        dy = read_all(DAILY, landing / "platform" / "daily",
                      preparer("date", lambda raw: parse_dates(raw.astype("str").where(raw.notna(), None)),
                               tuple(COUNTS), ("platform", "school_code", "user_type")))
        dy["platform"], platforms_d = to_key(dy["platform"], "platforms")
        dy["user_type"], user_types = to_key(dy["user_type"], "user_types")
    with timer("rules daily"):
        required = [c.name for c in contract[DAILY].columns if c.required]
        key4 = pd.DataFrame({"f": dy["_file"], "d": dy["date"], "p": dy["platform"], "s": dy["school_code"].fillna("-"),
                             "u": dy["user_type"]})
        negative = np.logical_or.reduce([(dy[c] < 0).to_numpy(dtype=bool) for c in COUNTS])
        rules_d = {
            "FMT-01/REQ-01": dy[required].isna().any(axis=1) | dy["_unreadable"],
            "REF-01": dy["school_code"].notna() & ~dy["school_code"].isin(register),
            "PLAT-01": pd.Series(negative, index=dy.index) | (dy["sessions"] < dy["active_users"]),
            "PLAT-02": ~dy["platform"].isin(platforms_d) | ~dy["user_type"].isin(user_types),
            "PLAT-03": (dy["date"] < pd.Timestamp(contract[DAILY].parameters["earliest"])) | (dy["date"] > pd.Timestamp(today)),
            "PLAT-04": key4.duplicated(keep=False) & key4.notna().all(axis=1),
        }
        bad_d = np.logical_or.reduce([m.to_numpy(dtype=bool) for m in rules_d.values()])
        good = dy.loc[~bad_d]  # files in arrival order, rows in file order: the last row of a key wins
        superseded = good.duplicated(["date", "platform", "school_code", "user_type"], keep="last")
        daily_now = good.loc[~superseded]

    # --------------------------------------------------------------------- aggregates
    with timer("daily aggregate"):
        e = valid_ev.assign(
            date=valid_ev["timestamp"].dt.normalize(),
            is_login=valid_ev["event_type"] == "login", is_view=valid_ev["event_type"] == "view",
            is_download=valid_ev["event_type"] == "download", is_quiz=valid_ev["event_type"] == "quiz_submit")
        events_daily = e.groupby(["date", "platform", "school_code"], dropna=False, sort=True).agg(
            active_users=("user_id", "nunique"), sessions=("is_login", "sum"), media_views=("is_view", "sum"),
            downloads=("is_download", "sum"), quiz_submits=("is_quiz", "sum"), events=("user_id", "size"),
            total_duration_s=("duration_s", "sum")).reset_index()
    with timer("monthly users"):
        e["month"] = e["timestamp"].dt.to_period("M").dt.to_timestamp()
        by_platform = e.groupby(["month", "platform"], sort=True).agg(
            active_users=("user_id", "nunique"), events=("user_id", "size"), schools=("school_code", "nunique")).reset_index()
        every = e.groupby("month", sort=True).agg(
            active_users=("user_id", "nunique"), events=("user_id", "size"), schools=("school_code", "nunique")).reset_index()
        monthly = pd.concat([by_platform, every.assign(platform="ALL")], ignore_index=True)
    with timer("reconciliation"):
        d = daily_now.groupby(["date", "platform"]).agg(
            daily_active_users=("active_users", "sum"), daily_sessions=("sessions", "sum"),
            daily_rows=("platform", "size")).reset_index()
        v = e.groupby(["date", "platform"]).agg(
            events_active_users=("user_id", "nunique"), events_sessions=("is_login", "sum"),
            events=("user_id", "size")).reset_index()
        rec = d.merge(v, on=["date", "platform"], how="outer", indicator=True)
        same = (rec["daily_active_users"] == rec["events_active_users"]) & (rec["daily_sessions"] == rec["events_sessions"])
        rec["status"] = np.select([rec["_merge"] == "left_only", rec["_merge"] == "right_only", same],
                                  ["daily_only", "events_only", "match"], "differs")
        rec = rec.drop(columns="_merge")
    with timer("write"):
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            events_daily.to_parquet(args.out / "events_daily.parquet", index=False)
            monthly.to_parquet(args.out / "monthly_users.parquet", index=False)
            rec.to_parquet(args.out / "reconciliation.parquet", index=False)
    phase("done")
    print(json.dumps({
        "seconds_total": round(time.perf_counter() - STARTED, 3), "seconds": timer.seconds,
        "peak_mib_self": round(getrusage(RUSAGE_SELF).ru_maxrss / 1024, 1), "pandas": pd.__version__,
        "events": n_events, "events_valid": len(valid_ev), "register_codes": len(register),
        "event_rules": {k: int(m.sum()) for k, m in rules_e.items()},
        "daily_rows": len(dy), "daily_valid": len(good), "daily_superseded": int(superseded.sum()),
        "daily_rules": {k: int(m.sum()) for k, m in rules_d.items()},
        "events_daily_rows": len(events_daily), "monthly_rows": len(monthly), "reconciliation_rows": len(rec),
        "reconciliation_status": {k: int(v) for k, v in rec["status"].value_counts().sort_index().items()},
        "users": int(e["user_id"].nunique()),
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
