"""How the system is used, counted from the audit log (issue 9, point 6): who opened which dashboard page,
which tables the analysts queried, what was exported, who logged in, by month and by role, and which pages
nobody opened. Polars over `read(h, since, until)`; no Streamlit (dashboards/app_pages/usage.py draws it).

    u = usage(h, since, until, pages=["overview", "dltv", ...])   # pages: every page of the roles table
    u.page_views    month, page, role -> views, users, refused
    u.users         month, role -> users (distinct);  u.users_by_month: month -> users, a person counted once
    u.people        distinct users in the whole window
    u.queries       month, role, user -> statements, ok, refused, error     (`sql` entries: khlang sql)
    u.tables        month, table -> statements, users                        (tables named by statements run ok)
    u.exports       month, action, role -> entries, users   (export_*, report and audit_export entries)
    u.export_list   each of those entries: time, user, role, action, target, outcome
    u.logins        month, role -> logins, users, failed (login_failed, whatever its outcome)
    u.unopened      the pages with no page_view that opened them (outcome ok) in the window, in `pages`' order

Months are Bangkok months (the office's), as a Date on the month's first day; a role of None (a failed
login under a name that is no user) stays None. Someone "used" the system in a month when they have an
entry with outcome ok then. A page view refused (a page outside the role) is counted as `refused`, never
as the page opened. The tables a statement names are read with DuckDB's own parser
(`json_serialize_sql`: parsed, never run or bound, so nothing is read), CTE names left out; a statement
the parser cannot read (cut at 500 characters, or not SQL) by FROM/JOIN and the name after it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import polars as pl

from pipelines.audit.export import read
from pipelines.config import TIMEZONE, Home

EXPORT_ACTIONS = ("export_prepared", "export_approved", "export_returned", "export_released", "report", "audit_export")
MONTH = pl.col("time").dt.convert_time_zone(TIMEZONE).dt.truncate("1mo").dt.date().alias("month")
_NAME = r'(?:"(?:[^"]|"")+"|[^\s,;()."]+)'
FROM_JOIN = re.compile(rf"\b(?:from|join)\s+({_NAME}(?:\s*\.\s*{_NAME})*)", re.IGNORECASE)


@dataclass(frozen=True)
class Usage:
    page_views: pl.DataFrame
    users: pl.DataFrame
    users_by_month: pl.DataFrame
    people: int  # distinct users in the whole window
    queries: pl.DataFrame
    tables: pl.DataFrame
    exports: pl.DataFrame
    export_list: pl.DataFrame
    logins: pl.DataFrame
    unopened: tuple[str, ...]


def usage(h: Home, since: datetime | None, until: datetime | None, pages: Iterable[str]) -> Usage:
    """The figures of the entries with since <= time < until (naive times are Bangkok's, as `read` takes them)."""
    return figures(read(h, since, until), pages)


def figures(log: pl.DataFrame, pages: Iterable[str]) -> Usage:
    """The figures of `read`'s frame."""
    log = log.with_columns(MONTH)
    ok = pl.col("outcome") == "ok"
    views = log.filter(pl.col("action") == "page_view", pl.col("target").is_not_null())
    page_views = (views.group_by("month", pl.col("target").alias("page"), "role")
                  .agg(ok.sum().alias("views"), pl.col("user").filter(ok).n_unique().alias("users"),
                       (~ok).sum().alias("refused"))
                  .sort("month", "page", "role", nulls_last=True))
    used = log.filter(ok, pl.col("user").is_not_null())
    users = used.group_by("month", "role").agg(pl.col("user").n_unique().alias("users")).sort("month", "role", nulls_last=True)
    users_by_month = used.group_by("month").agg(pl.col("user").n_unique().alias("users")).sort("month")

    sql = log.filter(pl.col("action") == "sql")
    queries = (sql.group_by("month", "role", "user")
               .agg(pl.len().alias("statements"),
                    *((pl.col("outcome") == o).sum().alias(o) for o in ("ok", "refused", "error")))
               .sort("month", "role", "user", nulls_last=True))
    named = sql.filter(ok).select("month", "user", pl.col("target").map_elements(
        lambda s: sorted(tables_of(s)), return_dtype=pl.List(pl.String)).alias("table")).explode("table")
    tables = (named.filter(pl.col("table").is_not_null())
              .group_by("month", "table").agg(pl.len().alias("statements"), pl.col("user").n_unique().alias("users"))
              .sort("month", "table"))

    exported = log.filter(pl.col("action").is_in(EXPORT_ACTIONS))
    exports = (exported.group_by("month", "action", "role")
               .agg(pl.len().alias("entries"), pl.col("user").n_unique().alias("users"))
               .sort("month", "action", "role", nulls_last=True))
    export_list = exported.select("time", "month", "user", "role", "action", "target", "outcome")

    logins = (log.filter(pl.col("action").is_in(("login", "login_failed")))
              .group_by("month", "role")
              .agg(((pl.col("action") == "login") & ok).sum().alias("logins"),
                   pl.col("user").filter((pl.col("action") == "login") & ok).n_unique().alias("users"),
                   (pl.col("action") == "login_failed").sum().alias("failed"))
              .sort("month", "role", nulls_last=True))
    opened = set(views.filter(ok)["target"].to_list())
    unopened = tuple(p for p in dict.fromkeys(pages) if p not in opened)
    return Usage(page_views, users, users_by_month, used["user"].n_unique(), queries, tables, exports, export_list, logins, unopened)


# ------------------------------------------------------------------------------- tables of a statement
def tables_of(statement: str | None) -> set[str]:
    """The tables (and views) `statement` reads, lower-cased, `main.` dropped; CTEs and table functions
    (read_csv(...)) are not tables. Parsed by DuckDB without running or binding anything."""
    if not statement:
        return set()
    tree = _parsed(statement)
    if tree is None:
        return {_plain(m) for m in FROM_JOIN.findall(statement)} - {""}
    found: set[str] = set()
    ctes: set[str] = set()
    _walk(tree, found, ctes)
    return {t for t in found if t not in ctes}


@lru_cache(maxsize=4096)  # the same statements come back month after month
def _parsed(statement: str) -> dict | None:
    import duckdb

    with duckdb.connect(":memory:") as con:
        tree = json.loads(con.execute("SELECT json_serialize_sql(?::VARCHAR)", [statement]).fetchone()[0])
    return None if tree.get("error") else tree


def _walk(node, found: set[str], ctes: set[str]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE" and node.get("table_name"):
            schema = str(node.get("schema_name") or "").lower()
            name = str(node["table_name"]).lower()
            found.add(name if schema in ("", "main") else f"{schema}.{name}")
        for entry in (node.get("cte_map") or {}).get("map") or []:
            ctes.add(str(entry.get("key", "")).lower())
        for value in node.values():
            _walk(value, found, ctes)
    elif isinstance(node, list):
        for value in node:
            _walk(value, found, ctes)


def _plain(name: str) -> str:
    parts = [p.strip() for p in re.findall(_NAME, name)]
    parts = [p[1:-1].replace('""', '"') if p.startswith('"') else p for p in parts]
    parts = [p.lower() for p in parts if p]
    if len(parts) > 1 and parts[0] == "main":
        parts = parts[1:]
    return ".".join(parts)
