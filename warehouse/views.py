"""The published tables, defined as DuckDB views over the lake's Parquet.

Marts (`warehouse/marts/*.sql`) are written against these names, and publishing copies them into the
version's DuckDB file: the names analysts query are the contract's table names. Lineage columns lose
their leading underscore here (`_row` -> `row_number`), so the published tables read naturally.
"""

from __future__ import annotations

import re

import duckdb
import polars as pl

from pipelines.config import Home
from pipelines.outcomes import CURRENT
from pipelines.parsing.cells import PLAUSIBLE_BE_YEARS
from warehouse import lake, tables
from warehouse.contracts import Contract, all_rules, contracts, lists, parse_rules

LINEAGE = {
    "_source_file": "source_file",
    "_sheet": "sheet",
    "_row": "row_number",
    "_arrival_seq": "arrival_seq",
    "_submitted_code": "submitted_code",
    "_outcome": "outcome",
    "_rule_ids": "rule_ids",
    "_reason_th": "reason_th",
    "_reason_en": "reason_en",
    "_superseded_by": "superseded_by",
}
BASE_TABLES = ("quarantine", "file_accounting", "file_accounting_by_period", "rule_results", "expectation_results")
# The rows counted once (`_outcome_counts`) and the views computed from those counts: a mart naming one of
# these reads the counts as the night materialized them (assets.marts), not ten million rows again.
COUNTS = "_outcome_counts"
FROM_COUNTS = (COUNTS, "file_accounting", "file_accounting_by_period", "rule_results")


def sql_string(path) -> str:
    """A path (or any text) as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def _incremental_source(con: duckdb.DuckDBPyConnection, home: Home, c: Contract, files: list[str] | None = None) -> str | None:
    """An incremental table's rows as the landing zone stands now: the Delta table's current files,
    keeping only paths still in landing/; rows of a path's earlier content, and rows a later one
    replaced for the same key, are `superseded` (pipelines.incremental.supersession)."""
    from pipelines.incremental import superseded_path, withdrawn

    files = tables.parquet_files(home, c.table) if files is None else files
    report = lake.path(home, "raw", "file_report")
    if not files or not report.exists():
        return None
    sup = superseded_path(home, c.table)
    listing = "[" + ", ".join(sql_string(f) for f in files) + "]"
    # The joins a night needs, only when it needs them: most nights no file left landing/ and nothing
    # was superseded, and ten million events are then read as they are.
    replaced = pl.read_parquet(sup, columns=["_row"]) if sup.exists() else pl.DataFrame(schema={"_row": pl.Int32})
    joins = {  # alias -> the join, for the kinds of supersession this night has
        "s_file": (replaced.get_column("_row").null_count() > 0, f"""LEFT JOIN (SELECT * FROM read_parquet({sql_string(sup)}) WHERE _row IS NULL) s_file
               ON s_file._source_file = v._source_file AND s_file._file_sha256 = v._file_sha256"""),
        "s_row": (replaced.get_column("_row").is_not_null().any(), f"""LEFT JOIN (SELECT * FROM read_parquet({sql_string(sup)}) WHERE _row IS NOT NULL) s_row
               ON s_row._file_sha256 = v._file_sha256 AND s_row._source_file = v._source_file
              AND s_row._sheet = v._sheet AND s_row._row = v._row"""),
    }
    used = [alias for alias, (needed, _) in joins.items() if needed]
    outcome, superseded_by = "v._outcome", "NULL::VARCHAR"
    if used:
        outcome = f"CASE WHEN {' OR '.join(f'{a}._source_file IS NOT NULL' for a in used)} THEN 'superseded' ELSE v._outcome END"
        superseded_by = f"coalesce({', '.join(f'{a}._superseded_by' for a in used)})"
    sql = [f"""CREATE OR REPLACE VIEW _delta_{c.table} AS
        SELECT v.* REPLACE ({outcome} AS _outcome), {superseded_by} AS _superseded_by
        FROM read_parquet({listing}, union_by_name=true, hive_partitioning=false) v"""]
    if withdrawn(home, c.table):  # rows of files no longer in landing/ are not current
        sql.append(f"SEMI JOIN (SELECT DISTINCT path FROM read_parquet({sql_string(report)})) cur ON cur.path = v._source_file")
    sql += [joins[a][1] for a in used]
    con.execute("\n        ".join(sql))
    return f"_delta_{c.table}"


def _all_rows(con: duckdb.DuckDBPyConnection, home: Home, c: Contract, files: list[str] | None = None) -> None:
    """`_rows_<table>`: every validated row of every partition, with outcome (of an incremental table:
    of its `files` only, when given)."""
    source = f"read_parquet('{lake.glob(home, 'validated', c.table)}', union_by_name=true)"
    if c.load == "incremental":
        source = _incremental_source(con, home, c, files)
    if source is None or (c.load == "whole" and not lake.exists(home, "validated", c.table)):
        from pipelines.validate import empty_rows

        con.register(f"_empty_{c.table}", empty_rows(c))
        source = f"_empty_{c.table}"
    cols = ", ".join(
        [f'"{k}" AS {v}' for k, v in LINEAGE.items() if k != "_submitted_code" or c.kind == "survey"]
        + [f'"{n}"' for n in c.column_names + list(c.computed)]
        + ['"_period" AS period', '"_file_sha256" AS file_sha256']
        + (['"_raw_values" AS raw_values'] if c.load == "incremental" else [])
    )
    con.execute(f"CREATE OR REPLACE VIEW _rows_{c.table} AS SELECT {cols} FROM {source}")
    public = [v for k, v in LINEAGE.items() if k not in ("_superseded_by",) and (k != "_submitted_code" or c.kind == "survey")]
    ordered = ", ".join(c.column_names + list(c.computed) + public)
    # A table of millions of rows (incremental) is not sorted for every reader: marts aggregate it.
    order = f" ORDER BY {', '.join(c.key)}" if c.load == "whole" else ""
    history_order = f" ORDER BY {', '.join(c.key)}, arrival_seq, row_number" if c.load == "whole" else ""
    con.execute(
        f"CREATE OR REPLACE VIEW {c.table} AS SELECT {ordered} FROM _rows_{c.table} "
        f"WHERE outcome IN {CURRENT}{order}"
    )
    con.execute(
        f"CREATE OR REPLACE VIEW {c.table}_history AS SELECT {ordered}, superseded_by FROM _rows_{c.table} "
        f"WHERE outcome <> 'quarantined'{history_order}"
    )


def _reference(con: duckdb.DuckDBPyConnection) -> None:
    """Rule and item labels from the contracts, for SQL that needs Thai names.

    `_ref_lists (list, key, position, th, en)` holds every coded list of _common.yaml (grades, budget
    categories, positions, ...), `position` counting from 1 in contract order, so a mart labels and
    orders any list's keys with one join instead of a copy of the list per mart."""
    rules = pl.DataFrame(
        [{"rule_id": r.rule_id, "severity": r.severity, "rule_th": r.th, "rule_en": r.en} for r in all_rules().values()]
    )
    items = pl.DataFrame([{"item": i.key, "item_th": i.th, "item_en": i.en} for i in lists()["dltv_items"]])
    tables = pl.DataFrame([{"table_name": c.table, "table_th": c.th, "table_en": c.en} for c in contracts().values()])
    coded = pl.DataFrame(
        [{"list": name, "key": i.key, "position": n, "th": i.th, "en": i.en}
         for name, entries in lists().items() for n, i in enumerate(entries, start=1)],
        schema={"list": pl.String, "key": pl.String, "position": pl.Int32, "th": pl.String, "en": pl.String},
    )
    con.register("_ref_rules", rules)
    con.register("_ref_items", items)
    con.register("_ref_tables", tables)
    con.register("_ref_lists", coded)


def item_views(c: Contract) -> dict[str, str]:
    """The long views of a contract's item-group columns, by name -> group list: `<table>_items` for a
    contract with one group (DLTV's items), `<table>_<list>` for each of several (the academic sheet's
    grades and O-NET levels)."""
    lists_used = list(dict.fromkeys(col.group_list for col in c.columns if col.group_list))
    if len(lists_used) == 1:
        return {f"{c.table}_items": lists_used[0]}
    return {f"{c.table}_{name}": name for name in lists_used}


def _items_long(con: duckdb.DuckDBPyConnection, c: Contract) -> None:
    """Item-group columns as long views (`item_views`): one row per school, period and item, a column per
    sub-column."""
    plain = [col.name for col in c.columns if not col.group and col.name not in c.hidden_columns]
    for view, group_list in item_views(c).items():
        grouped = [col for col in c.columns if col.group_list == group_list]
        selects = []
        for item in dict.fromkeys(col.group.key for col in grouped):
            subs = ", ".join(f"{col.name} AS {col.sub.key}" for col in grouped if col.group.key == item)
            selects.append(f"SELECT {', '.join(plain)}, '{item}' AS item, {subs}, outcome FROM {c.table}")
        con.execute(f"CREATE OR REPLACE VIEW {view} AS " + " UNION ALL ".join(selects))


def _coverage(con: duckdb.DuckDBPyConnection) -> None:
    """`coverage`, `coverage_by_district` and `missing_submissions` from each contract's `coverage:` entries.

    Coverage counts schools with a valid or flagged row (contract section 1) among the register
    schools in the entry's population (a boolean column of the register), for every period seen.
    A school of the population without such a row is either
    - `rejected` (ส่งแล้วแต่ไม่ผ่าน): at least one row of the survey for that period carrying its school
      code (after cleaning and SMIS resolution) was quarantined; or
    - `not_sent` (ไม่ได้ส่ง): no row of the survey for that period names it.
    A file rejected whole (a per-file error) was never read into rows, so it names no school and is not
    attributed to one: its sender stays `not_sent` until the school sends a file that can be read. The
    rejected files are listed in `file_accounting_by_period`, never guessed from a file name.
    An entry with `per` (DLIT: each semester) counts each of its `values` within a period apart (`part`).
    """
    cov, by_district, missing = [], [], []
    for c in contracts().values():
        for entry in c.coverage:
            # `part`: the period's part each school reports for (a semester), as text; NULL for one a period
            part = f"CAST({entry.per} AS VARCHAR)" if entry.per else "NULL::VARCHAR"
            parts = ", ".join("'" + str(v).replace("'", "''") + "'" for v in entry.values) or "NULL::VARCHAR"
            base = f"""
                WITH periods AS (SELECT DISTINCT period, v.part FROM _rows_{c.table}
                                 CROSS JOIN (SELECT unnest([{parts}]) AS part) v WHERE period IS NOT NULL),
                     pop AS (SELECT school_code, school_name, district, students_total FROM schools WHERE {entry.population}),
                     sub AS (SELECT DISTINCT {c.period} AS period, {part} AS part, school_code FROM {c.table}),
                     rej AS (SELECT period, {part} AS part, school_code, count(*) AS rejected_rows,
                                    list_sort(list_distinct(flatten(list(rule_ids)))) AS rejected_rule_ids,
                                    list_sort(list_distinct(list(source_file))) AS rejected_files
                             FROM _rows_{c.table}
                             WHERE outcome = 'quarantined' AND period IS NOT NULL AND school_code IS NOT NULL
                             GROUP BY ALL),
                     grid AS (SELECT p.period, p.part, pop.*,
                                     CASE WHEN sub.school_code IS NOT NULL THEN 'submitted'
                                          WHEN rej.school_code IS NOT NULL THEN 'rejected'
                                          ELSE 'not_sent' END AS status,
                                     rej.rejected_rows, rej.rejected_rule_ids, rej.rejected_files
                              FROM periods p CROSS JOIN pop
                              LEFT JOIN sub ON sub.period = p.period AND sub.part IS NOT DISTINCT FROM p.part
                                           AND sub.school_code = pop.school_code
                              LEFT JOIN rej ON rej.period = p.period AND rej.part IS NOT DISTINCT FROM p.part
                                           AND rej.school_code = pop.school_code)"""
            counts = """count(*) AS population, count(*) FILTER (status = 'submitted') AS submitted,
                       count(*) FILTER (status <> 'submitted') AS missing,
                       count(*) FILTER (status = 'rejected') AS rejected,
                       count(*) FILTER (status = 'not_sent') AS not_sent,
                       round(100.0 * count(*) FILTER (status = 'submitted') / count(*), 1) AS coverage_pct"""
            head = f"SELECT '{entry.id}' AS rule_id, '{c.table}' AS survey, '{c.th}' AS survey_th, period, part"
            cov.append(f"{base}\n                {head}, {counts}\n                FROM grid GROUP BY period, part")
            by_district.append(f"{base}\n                {head}, district, {counts}\n                FROM grid GROUP BY period, part, district")
            missing.append(
                f"""{base}
                SELECT '{entry.id}' AS rule_id, '{c.table}' AS survey, period, part, school_code, school_name,
                       district, students_total, status, coalesce(rejected_rows, 0) AS rejected_rows,
                       rejected_rule_ids, rejected_files
                FROM grid WHERE status <> 'submitted'"""
            )
    con.execute("CREATE OR REPLACE VIEW coverage AS " + " UNION ALL ".join(f"({q})" for q in cov) + " ORDER BY survey, period, part")
    con.execute(
        "CREATE OR REPLACE VIEW coverage_by_district AS "
        + " UNION ALL ".join(f"({q})" for q in by_district)
        + " ORDER BY survey, period, part, district"
    )
    con.execute(
        "CREATE OR REPLACE VIEW missing_submissions AS "
        + " UNION ALL ".join(f"({q})" for q in missing)
        + " ORDER BY survey, period, part, district, school_code"
    )


def _raw_values(home: Home, c: Contract) -> tuple[str, str]:
    """(the JSON of the public cells as written, the join that brings them): read from the raw layer for
    quarantined rows only, by file, sheet and row, rather than carried as text through every row's
    validation (half the memory of a 200,000-row sheet's typed frame)."""
    raw = lake.path(home, "raw", c.table)
    if not raw.exists():
        return "NULL::VARCHAR", ""
    fields = ", ".join(f'"{col.name}" := r."{col.name}"' for col in c.public_columns)
    path = raw.as_posix().replace("'", "''")
    join = (f" LEFT JOIN read_parquet('{path}') r ON r._source_file = q.source_file AND r._sheet = q.sheet "
            "AND r._row = q.row_number")
    return f"to_json(struct_pack({fields}))::VARCHAR", join


def _quarantine(con: duckdb.DuckDBPyConnection, home: Home) -> None:
    parts = []
    for c in contracts().values():
        # Incremental tables keep the cells as written with each quarantined row (pipelines.incremental).
        raw_values, join = ("q.raw_values", "") if c.load == "incremental" else _raw_values(home, c)
        parts.append(
            f"SELECT '{c.table}' AS table_name, q.period, q.source_file, q.sheet, q.row_number, q.school_code, "
            f"q.rule_ids, q.reason_th, q.reason_en, {raw_values} AS raw_values "
            f"FROM (SELECT * FROM _rows_{c.table} WHERE outcome = 'quarantined') q{join}"
        )
    con.execute(
        # Contract order, then each table's rows as validated (arrival, sheet, row). No ORDER BY: sorting
        # every quarantined row with its cells as written took 3x the memory of writing them (a sheet
        # of 180,000 quarantined rows: +370 MiB); the order is already stable.
        "CREATE OR REPLACE VIEW quarantine AS " + " UNION ALL ".join(parts)
    )


_SUMS = ",\n                   ".join(
    f"coalesce(sum(n) FILTER (outcome = '{o}'), 0)::BIGINT AS {o}" for o in ("valid", "flagged", "quarantined", "superseded"))


def _accounting(con: duckdb.DuckDBPyConnection, home: Home) -> None:
    """Rows in = valid + flagged + quarantined + superseded, per file and table (and per-file errors)."""
    outcomes = " UNION ALL ".join(
        f"SELECT '{c.table}' AS table_name, source_file, file_sha256, period, school_code, outcome, rule_ids FROM _rows_{c.table}"
        for c in contracts().values()
    )
    con.execute(f"CREATE OR REPLACE VIEW _outcomes AS {outcomes}")
    # The rows counted once by everything accounting and quality report (file, period, school, outcome,
    # rule ids): a few thousand lines for ten million events, which the nightly run materializes once
    # (assets.marts, COUNTS) for the marts and the publish to read.
    con.execute(
        f"CREATE OR REPLACE VIEW {COUNTS} AS SELECT table_name, source_file, file_sha256, period, "
        "school_code, outcome, rule_ids, count(*) AS n FROM _outcomes GROUP BY ALL"
    )
    con.execute(
        f"""
        CREATE OR REPLACE VIEW file_accounting AS
        WITH counts AS (
            SELECT table_name, source_file, file_sha256,
                   {_SUMS}
            FROM _outcome_counts GROUP BY ALL
        )
        SELECT f.path AS source_file, f.sha256, f.arrival_seq, f.table_name,
               f.rows_in, coalesce(c.valid, 0) AS valid, coalesce(c.flagged, 0) AS flagged,
               coalesce(c.quarantined, 0) AS quarantined, coalesce(c.superseded, 0) AS superseded,
               f.error_kind, f.error_th, f.error_en, f.error_sheet, f.error_row, f.error_column, f.notes,
               CASE WHEN f.rows_in > 0 THEN round(100.0 * (f.rows_in - coalesce(c.quarantined, 0)) / f.rows_in, 1) END AS pass_rate
        FROM read_parquet('{lake.path(home, "raw", "file_report").as_posix()}') f
        LEFT JOIN counts c ON c.source_file = f.path AND c.table_name = f.table_name AND c.file_sha256 = f.sha256
        ORDER BY f.arrival_seq, f.table_name
        """
    )


def _accounting_by_period(con: duckdb.DuckDBPyConnection, home: Home) -> None:
    """`file_accounting_by_period`: `file_accounting` split by the period of each file's rows.

    A file's rows carry their period (a survey row's fiscal year; a row whose year cannot be read takes
    its file's most common year, see assets/validated.py), so a file's counts are split by it: per file
    and table, the rows of all periods add up to `file_accounting.rows_in` (`period_from = 'rows'`).
    A file-level line with no rows of its own (a per-file error, a skipped landing entry, a sheet with
    no data rows) takes the periods of the file's other rows; failing those, the one plausible BE year
    (2560–2575) written in its path (folder or file name, Thai digits too), when exactly one is there
    (`period_from = 'path'`); otherwise no period (NULL: the register, which has none, and files whose
    year cannot be told). Each line names where its period came from, so a reader can tell a fact from
    a folder name.
    """
    low, high = PLAUSIBLE_BE_YEARS
    digits = "translate(f.source_file, '๐๑๒๓๔๕๖๗๘๙', '0123456789')"
    file_cols = ("f.source_file, f.arrival_seq, f.table_name, f.error_kind, f.error_th, f.error_en, "
                 "f.error_sheet, f.error_row, f.error_column")
    con.execute(
        f"""
        CREATE OR REPLACE VIEW file_accounting_by_period AS
        WITH counts AS (
            SELECT table_name, source_file, file_sha256, period, sum(n)::BIGINT AS rows_in,
                   {_SUMS}
            FROM _outcome_counts GROUP BY ALL
        ), file_periods AS (
            SELECT DISTINCT source_file, period FROM _outcome_counts WHERE period IS NOT NULL
        ), files AS (
            SELECT f.*, list_distinct(list_filter(
                       list_transform(list_filter(regexp_extract_all({digits}, '[0-9]+'), lambda d: length(d) = 4),
                                      lambda d: d::INTEGER),
                       lambda y: y BETWEEN {low} AND {high})) AS path_years
            FROM file_accounting f
        ), lines AS (
            -- lines with rows: one per period of those rows
            SELECT {file_cols}, c.period, CASE WHEN c.period IS NOT NULL THEN 'rows' END AS period_from,
                   c.rows_in, c.valid, c.flagged, c.quarantined, c.superseded
            FROM files f
            JOIN counts c ON c.source_file = f.source_file AND c.table_name IS NOT DISTINCT FROM f.table_name
                         AND c.file_sha256 = f.sha256
            UNION ALL
            -- lines without rows: the periods of the file's other rows, else the one year in its path, else none
            SELECT {file_cols},
                   coalesce(fp.period, CASE WHEN len(f.path_years) = 1 THEN f.path_years[1] END) AS period,
                   CASE WHEN fp.period IS NOT NULL THEN 'rows' WHEN len(f.path_years) = 1 THEN 'path' END,
                   0, 0, 0, 0, 0
            FROM files f
            LEFT JOIN file_periods fp ON fp.source_file = f.source_file
            WHERE NOT EXISTS (SELECT 1 FROM counts c WHERE c.source_file = f.source_file AND c.file_sha256 = f.sha256
                                                     AND c.table_name IS NOT DISTINCT FROM f.table_name)
        )
        SELECT source_file, arrival_seq, table_name, period::INTEGER AS period, period_from,
               rows_in, valid, flagged, quarantined, superseded,
               error_kind, error_th, error_en, error_sheet, error_row, error_column,
               CASE WHEN rows_in > 0 THEN round(100.0 * (rows_in - quarantined) / rows_in, 1) END AS pass_rate
        FROM lines
        ORDER BY period NULLS LAST, arrival_seq NULLS LAST, source_file, table_name
        """
    )


def _rule_results(con: duckdb.DuckDBPyConnection, home: Home) -> None:
    per_table = []
    for c in contracts().values():
        rule_list = ", ".join(f"'{r}'" for r in [*parse_rules(), *c.rule_ids])
        per_table.append(
            f"""
            SELECT '{c.table}' AS table_name, p.period, r.rule_id,
                   p.rows_checked, coalesce(x.rows_failed, 0)::BIGINT AS rows_failed
            FROM (SELECT period, sum(n)::BIGINT AS rows_checked FROM _outcome_counts
                  WHERE table_name = '{c.table}' GROUP BY period) p
            CROSS JOIN (SELECT unnest([{rule_list}]) AS rule_id) r
            LEFT JOIN (SELECT period, rule_id, sum(n) AS rows_failed
                       FROM (SELECT period, unnest(rule_ids) AS rule_id, n FROM _outcome_counts
                             WHERE table_name = '{c.table}' AND len(rule_ids) > 0)
                       GROUP BY ALL) x
                   ON x.period IS NOT DISTINCT FROM p.period AND x.rule_id = r.rule_id
            """
        )
    con.execute(
        "CREATE OR REPLACE VIEW rule_results AS SELECT t.table_name, t.period, t.rule_id, ref.severity, "
        "ref.rule_th, ref.rule_en, t.rows_checked, t.rows_failed, "
        "round(100.0 * (t.rows_checked - t.rows_failed) / t.rows_checked, 1) AS pass_rate FROM ("
        + " UNION ALL ".join(per_table)
        + ") t JOIN _ref_rules ref USING (rule_id) ORDER BY t.table_name, t.period, t.rule_id"
    )
    results = lake.glob(home, "checks", "expectations")
    if lake.exists(home, "checks", "expectations"):
        con.execute(f"CREATE OR REPLACE VIEW expectation_results AS SELECT * FROM read_parquet('{results}', union_by_name=true)")


# Views over every table at once: a query naming one of these gets every table's rows defined.
ACROSS_TABLES = (*BASE_TABLES, "coverage", "coverage_by_district", "missing_submissions", "_outcomes", "_outcome_counts")


def connect(home: Home, restrict: dict[str, list[str]] | None = None, reads: str | None = None
            ) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with every published name defined over the lake. `restrict`: for incremental
    tables, the data files to read instead of the whole table (one month's, for marts built by month).
    `reads`: the SQL to be run (a mart's), when only the names it uses need defining: a table's views
    bind its files' footers, and a mart over one table should not pay for every table's."""
    con = duckdb.connect()
    # Each view binds its Parquet files' footers when created, and every layer over a table binds them
    # again (platform_events over _rows_ over _delta_: eighteen month files): read once per connection,
    # which lives for one mart or one publish (the lake's files do not change under it).
    con.execute("SET parquet_metadata_cache = true")
    _reference(con)
    words = None if reads is None else set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", reads))

    def named(*names: str) -> bool:
        return words is None or any(name in words for name in names)

    everything = named(*ACROSS_TABLES)
    chosen = [c for c in contracts().values()
              if everything or words & {c.table, f"{c.table}_history", *item_views(c)}]
    for c in chosen:
        _all_rows(con, home, c, (restrict or {}).get(c.table))
    for c in chosen:
        _items_long(con, c)
    if everything:  # and of these, what the SQL names (rule results alone bind a view over every table)
        if named("quarantine"):
            _quarantine(con, home)
        _accounting(con, home)
        if named("file_accounting_by_period"):
            _accounting_by_period(con, home)
        if named("rule_results", "expectation_results"):
            _rule_results(con, home)
        if named("coverage", "coverage_by_district", "missing_submissions"):
            _coverage(con)
    return con


def published_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The base tables a version publishes (contract tables, their history and items, quarantine,
    accounting, rule results) that this connection defines, in a stable order."""
    names = [t for c in contracts().values() if c.publish == "rows"
             for t in (c.table, f"{c.table}_history", *item_views(c))] + list(BASE_TABLES)
    existing = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    return [n for n in names if n in existing]


def accounting(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Rows in and their outcomes per file and table (small: one row per file and table)."""
    return con.execute("SELECT * FROM file_accounting").pl()
