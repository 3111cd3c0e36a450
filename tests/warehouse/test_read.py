"""The SQL door (`warehouse.read`): escape attempts refused, analysts' queries working, limits holding,
personal columns unreachable, and a new connection seeing the newest version.

Everything runs against a real DuckDB 1.5 through the real `warehouse.publish.publish` in a data root
of the test's own; nothing is mocked.
"""

from __future__ import annotations

import json

import hashlib
import os
import time
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.config import home as make_home
from warehouse import read
from warehouse.publish import NotPublished, publish, published_duckdb

PEOPLE = [("นางสาวสุภาพร ใจดี", "081-234-5678"), ("นายสมชาย ศรีสุข", "089-765-4321")]


def _tables(n_schools: int = 6) -> dict[str, pl.DataFrame]:
    codes = [f"10400100{i:02d}" for i in range(1, n_schools + 1)]
    schools = pl.DataFrame({
        "school_code": codes,
        "school_name": [f"โรงเรียนบ้าน{i}" for i in range(1, n_schools + 1)],
        "district": ["ชุมแพ", "สีชมพู", "ภูผาม่าน"] * (n_schools // 3) + ["ชุมแพ"] * (n_schools % 3),
        "students_total": [60 + 20 * i for i in range(n_schools)],
    })
    equipment = pl.DataFrame({
        "fiscal_year": [2569] * n_schools,
        "school_code": codes,
        "dltv_classrooms": [2 + i % 5 for i in range(n_schools)],
        "tv_broken": [i % 3 for i in range(n_schools)],
        "survey_date": [date(2025, 11, 1 + i) for i in range(n_schools)],
        "reporter_name": [PEOPLE[i % 2][0] for i in range(n_schools)],
        "reporter_phone": [PEOPLE[i % 2][1] for i in range(n_schools)],
        "outcome": ["valid"] * (n_schools - 1) + ["flagged"],
        "rule_ids": [[] for _ in range(n_schools - 1)] + [["DLTV-07"]],
    })
    quarantine = pl.DataFrame({
        "table_name": ["dltv_equipment", "dltv_equipment"],
        "period": pl.Series([2569, 2569], dtype=pl.Int32),
        "school_code": ["1040099999", codes[0]],
        "rule_ids": [["REF-01"], ["DLTV-02", "DLTV-03"]],
        "reason_th": ["ไม่พบรหัสสถานศึกษาในทะเบียน", "จำนวนชำรุด \"มากกว่า\" ทั้งหมด, ห้องเรียน"],
    })
    needs = (equipment.join(schools, on="school_code").group_by("fiscal_year", "district")
             .agg(pl.len().alias("schools"), pl.col("tv_broken").sum().alias("broken")).sort("district"))
    return {"schools": schools, "dltv_equipment": equipment, "quarantine": quarantine, "dltv_needs": needs}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    """A data root with one published version (Parquet snapshot with personal columns, DuckDB without)."""
    h = make_home(tmp_path_factory.mktemp("door"))
    publish(h, _tables(), run_id="door-tests")
    return h


def _fingerprint(*roots: Path) -> dict[str, tuple]:
    """Every file under the roots: size, mtime and content hash (so 'nothing was written' is exact)."""
    seen = {}
    for root in roots:
        for p in sorted(root.rglob("*")):
            if p.is_file():
                s = p.stat()
                seen[str(p)] = (s.st_size, s.st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            elif p.is_dir():
                seen[str(p)] = ("dir",)
    return seen


def _spots(h, out: Path) -> dict[str, str]:
    db = published_duckdb(h)
    return {"db": str(db), "parquet": str(db.parent / "dltv_equipment.parquet"), "root": str(h.root),
            "copy": str(h.duckdb_path), "ledger": str(h.warehouse / "published.json"), "out": str(out),
            "versions": str(h.versions)}


# (statement, the kind of refusal). "refused": DuckDB's fence (permission, locked configuration, read-only
# database); "sql": DuckDB has no such thing here at all. {db} is the published version's file, {parquet}
# its snapshot with personal columns, {copy} warehouse/khlang.duckdb, {out} a folder that must stay empty.
ESCAPES = [
    # writing files, including over the published warehouse and its snapshots
    ("COPY (SELECT 'x') TO '{db}'", "refused"),
    ("COPY (SELECT 'x') TO '{copy}'", "refused"),
    ("COPY (SELECT 1 AS tv_broken) TO '{parquet}' (FORMAT parquet)", "refused"),
    ("COPY dltv_equipment TO '{out}/people.csv'", "refused"),
    ("COPY (SELECT * FROM schools) TO '{out}/x.json' (FORMAT json)", "refused"),
    ("EXPORT DATABASE '{out}/export'", "refused"),
    # reading files: system files, the snapshot Parquet (personal columns), the ledger, listings
    ("SELECT * FROM read_csv('/etc/passwd')", "refused"),
    ("SELECT * FROM read_csv_auto('/proc/self/environ')", "refused"),
    ("SELECT * FROM read_text('/etc/passwd')", "refused"),
    ("SELECT * FROM read_blob('/etc/hostname')", "refused"),
    ("SELECT * FROM glob('/root/**')", "refused"),
    ("SELECT * FROM glob('{root}/**')", "refused"),
    ("SELECT reporter_name, reporter_phone FROM read_parquet('{parquet}')", "refused"),
    ("SELECT * FROM parquet_scan('{versions}/*/dltv_equipment.parquet')", "refused"),
    ("SELECT * FROM parquet_metadata('{parquet}')", "refused"),
    ("SELECT * FROM read_json_objects('/etc/passwd')", "refused"),
    ("SELECT * FROM read_json('{ledger}')", "refused"),
    ("SELECT * FROM sniff_csv('/etc/passwd')", "refused"),
    ("SELECT * FROM read_parquet('https://example.com/x.parquet')", "refused"),
    ("IMPORT DATABASE '{versions}'", "refused"),
    # other databases
    ("COPY (SELECT 1) TO '{db}.wal'", "refused"),  # DuckDB itself allows the attached file's .wal paths
    ("COPY (SELECT 'x') TO '{db}' (USE_TMP_FILE false)", "refused"),
    ("SELECT * FROM read_blob('{db}')", "refused"),
    ("ATTACH '{db}' AS rw", "refused"),
    ("ATTACH '{copy}' AS convenience (READ_ONLY)", "refused"),
    ("ATTACH '{out}/new.duckdb' AS other", "refused"),
    ("USE memory; DETACH khlang; ATTACH '{db}' AS khlang (READ_WRITE)", "refused"),
    ("ATTACH ':memory:' AS m; USE m; DETACH khlang; ATTACH '{db}' AS k2; CREATE TABLE k2.x AS SELECT 1", "refused"),
    ("ATTACH 'md:'", "refused"),
    # extensions and the network
    ("INSTALL httpfs", "refused"),
    ("FORCE INSTALL httpfs FROM 'http://127.0.0.1:9/'", "refused"),
    ("LOAD httpfs", "refused"),
    ("SELECT * FROM duckdb_extensions()", "refused"),
    ("CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')", "refused"),
    # undoing the fence
    ("SET enable_external_access = true", "refused"),
    ("SET lock_configuration = false", "refused"),
    ("SET allowed_directories = ['/']", "refused"),
    ("SET allowed_paths = ['{parquet}']", "refused"),
    ("SET GLOBAL memory_limit = '100GB'", "refused"),
    ("RESET memory_limit", "refused"),
    ("PRAGMA threads = 64", "refused"),
    ("SET temp_directory = '{out}/spill'", "refused"),
    ("SET profiling_output = '{out}/profile.txt'", "refused"),
    ("SET autoload_known_extensions = true", "refused"),
    ("SET log_query_path = '{out}/queries.log'", "refused"),
    # changing the published data
    ("DROP TABLE dltv_equipment", "refused"),
    ("DELETE FROM schools", "refused"),
    ("UPDATE schools SET school_name = 'x'", "refused"),
    ("INSERT INTO schools SELECT * FROM schools", "refused"),
    ("CREATE TABLE stolen AS SELECT 1 AS x", "refused"),
    ("CREATE MACRO leak(x) AS x", "refused"),
    ("ALTER TABLE schools ADD COLUMN reporter_name VARCHAR", "refused"),
    # things this build of DuckDB does not have at all
    ("SELECT getenv('HOME')", "sql"),
    ("SELECT * FROM read_xlsx('/etc/passwd')", "sql"),
]


@pytest.mark.parametrize("statement,kind", ESCAPES, ids=[s[:60] for s, _ in ESCAPES])
def test_escape_attempt_is_refused_and_writes_nothing(wh, tmp_path, monkeypatch, statement, kind):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(tmp_path)  # DuckDB would spill to ./.tmp: nothing may appear here either
    before = _fingerprint(wh.root, tmp_path)
    with pytest.raises(read.DoorError) as caught:
        read.query(wh, statement.format(**_spots(wh, out)))
    err = caught.value
    assert err.kind == kind, err.line()
    line = err.line()
    assert "\n" not in line and "Traceback" not in line
    if kind == "refused":
        assert line.startswith("ด่าน SQL ไม่อนุญาตคำสั่งนี้") and "refused by the SQL door" in line
    assert _fingerprint(wh.root, tmp_path) == before, "the door wrote something"
    # The warehouse is still whole for the next connection.
    assert read.query(wh, "SELECT count(*) AS n FROM schools").item() == 6


# DuckDB allows these, and they are harmless: they change only the connection's own in-memory scratch
# space, bounded by the memory limit and gone with the connection. Asserted: nothing written anywhere,
# nothing visible to the next connection, the published data unchanged.
CONTAINED = [
    "CREATE TEMP TABLE scratch AS SELECT 1 AS x",
    "CREATE TEMP MACRO plus_one(x) AS x + 1",
    "CREATE TEMP VIEW schools AS SELECT 'fake' AS school_code",
    "CREATE TABLE memory.main.scratch AS SELECT * FROM schools",
    "ATTACH ':memory:' AS scratch; CREATE TABLE scratch.t AS SELECT 1 AS x",
    "COPY FROM DATABASE khlang TO memory",
    "DETACH memory",
    "USE memory; DETACH khlang",
    "CHECKPOINT",
    "FORCE CHECKPOINT",
    "VACUUM",
    "ANALYZE",
    "SET VARIABLE x = 1",
    "CALL enable_logging()",
]


@pytest.mark.parametrize("statement", CONTAINED)
def test_what_duckdb_allows_stays_inside_the_connection(wh, tmp_path, monkeypatch, statement):
    monkeypatch.chdir(tmp_path)
    before = _fingerprint(wh.root, tmp_path)
    with read.connect(wh) as door:
        door.query(statement)
    assert _fingerprint(wh.root, tmp_path) == before
    with read.connect(wh) as door:
        assert door.query("SELECT count(*) AS n FROM schools WHERE school_code LIKE '10%'").item() == 6
        assert door.query("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name IN ('scratch', 't')").item() == 0


def test_the_fence_settings_hold_on_every_connection(wh):
    with read.connect(wh) as door:
        got = door.query(
            "SELECT current_setting('enable_external_access') AS ext, current_setting('lock_configuration') AS locked, "
            "current_setting('autoload_known_extensions') AS autoload, current_setting('autoinstall_known_extensions') AS autoinstall, "
            "current_setting('temp_directory') AS temp, current_setting('allowed_directories') AS dirs, "
            "current_setting('allowed_paths') AS paths, current_setting('threads') AS threads, "
            "current_setting('memory_limit') AS mem"
        ).row(0, named=True)
        dbs = door.query("SELECT database_name, readonly FROM duckdb_databases() WHERE NOT internal ORDER BY 1").rows()
    assert got["ext"] is False and got["locked"] is True
    assert got["autoload"] is False and got["autoinstall"] is False
    assert got["temp"] == "" and got["dirs"] == []
    assert got["threads"] == read.DEFAULT_THREADS and got["mem"].endswith(("GiB", "GB"))
    assert dbs == [("khlang", True), ("memory", False)]  # memory: the connection's own scratch space
    # DuckDB leaves the attached file (and its .wal names) in allowed_paths; the disabled local file
    # system is what keeps them shut (the escape table writes to and re-attaches exactly those).
    assert str(published_duckdb(wh)) in got["paths"]


ANALYST_QUERIES = [
    ("SELECT * FROM schools ORDER BY school_code", 6),
    (("SELECT s.district, count(*) AS n, sum(e.tv_broken) AS broken FROM dltv_equipment e "
      "JOIN schools s USING (school_code) GROUP BY ALL ORDER BY n DESC"), 3),
    (("SELECT school_code, students_total, rank() OVER (PARTITION BY district ORDER BY students_total DESC) AS r, "
      "sum(students_total) OVER () AS total FROM schools"), 6),
    ("WITH big AS (SELECT * FROM schools WHERE students_total > 100) SELECT district, count(*) FROM big GROUP BY 1", None),
    ("SELECT table_name, rule_id FROM quarantine, unnest(rule_ids) AS u(rule_id) ORDER BY ALL", 3),
    ("SELECT * FROM quarantine WHERE list_contains(rule_ids, 'REF-01')", 1),
    ("SELECT fiscal_year, district, schools, broken FROM dltv_needs QUALIFY row_number() OVER (ORDER BY broken DESC) = 1", 1),
    ("SELECT strftime(survey_date, '%d/%m/%Y') AS d, date_trunc('month', survey_date) AS m FROM dltv_equipment", 6),
    ("SELECT version, published_at, tables->>'schools' AS n FROM warehouse_info", 1),
    ("SELECT * FROM query_table('dltv_needs')", 3),
    ("DESCRIBE dltv_equipment", None),
    ("SHOW TABLES", 5),
    ("SUMMARIZE schools", 5),  # one row a column: its four and office_code (every published table has it)
    ("SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'main'", None),
    ("SELECT table_name, estimated_size FROM duckdb_tables() ORDER BY table_name", 5),
    ("SELECT * FROM duckdb_views() WHERE NOT internal", 0),
    ("EXPLAIN SELECT count(*) FROM schools", None),
    ("SELECT ? AS year, count(*) AS n FROM dltv_equipment WHERE fiscal_year = ?", 1),
]


@pytest.mark.parametrize("sql,rows", ANALYST_QUERIES, ids=[q[:50] for q, _ in ANALYST_QUERIES])
def test_analysts_queries_work(wh, sql, rows):
    params = [2569, 2569] if "?" in sql else None
    df = read.query(wh, sql, params)
    assert df.width > 0
    if rows is not None:
        assert df.height == rows


def test_personal_columns_are_unreachable(wh):
    with pytest.raises(read.DoorError) as caught:
        read.query(wh, "SELECT school_code, reporter_name FROM dltv_equipment")
    assert caught.value.kind == "sql" and "Candidate bindings" in caught.value.detail
    assert "reporter_name" not in read.query(wh, "SELECT * FROM dltv_equipment").columns
    columns = read.query(wh, "SELECT lower(column_name) AS c FROM duckdb_columns()")["c"].to_list()
    assert not {"reporter_name", "reporter_phone"} & set(columns)
    dump = read.csv_text(read.query(wh, "SELECT * FROM dltv_equipment"))
    for name, phone in PEOPLE:
        assert name not in dump and phone not in dump
    # ...while the snapshot the door cannot read does hold them (so the test above means something).
    snapshot = pl.read_parquet(published_duckdb(wh).parent / "dltv_equipment.parquet")
    assert set(snapshot["reporter_name"]) == {n for n, _ in PEOPLE}


def test_a_warehouse_file_holding_personal_columns_is_refused_whole(tmp_path):
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE schools AS SELECT '1040010001' AS school_code")
        con.execute("CREATE TABLE dltv_equipment AS SELECT '1040010001' AS school_code, '081-234-5678' AS Reporter_Phone")
    with pytest.raises(read.DoorError) as caught:
        read.Door(path)
    assert caught.value.kind == "personal" and "dltv_equipment.Reporter_Phone" in caught.value.line()
    assert "ข้อมูลส่วนบุคคล" in caught.value.line()


def test_time_limit_stops_a_runaway_join(wh):
    started = time.monotonic()
    with pytest.raises(read.DoorError) as caught:
        read.query(wh, "SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b",
                   limits=read.Limits(timeout_s=1))
    assert caught.value.kind == "timeout" and "1 วินาที" in caught.value.th and "1 s" in caught.value.en
    assert time.monotonic() - started < 10


def test_memory_limit_stops_a_query_without_spilling_to_disk(wh, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(read.DoorError) as caught:
        read.query(wh, "SELECT count(*) FROM (SELECT i, repeat('x', 50) || i AS s FROM range(5000000) t(i) ORDER BY s DESC)",
                   limits=read.Limits(memory="100MB"))
    assert caught.value.kind == "memory" and "100MB" in caught.value.line()
    assert "Out of Memory Error" in caught.value.detail and "temp_directory" not in caught.value.detail
    assert list(tmp_path.iterdir()) == []  # no ./.tmp spill folder


def test_a_result_larger_than_the_memory_limit_is_refused(wh):
    with pytest.raises(read.DoorError) as caught:
        read.query(wh, "SELECT * FROM range(100000000)", limits=read.Limits(memory="64MB"))
    assert caught.value.kind == "too_large" and "LIMIT" in caught.value.en


def test_a_connection_still_works_after_an_error(wh):
    with read.connect(wh, read.Limits(timeout_s=1)) as door:
        with pytest.raises(read.DoorError):
            door.query("SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range < 0")
        with pytest.raises(read.DoorError):
            door.query("SELECT nope FROM schools")
        with pytest.raises(read.DoorError):
            door.query("BEGIN; SELECT nope")  # leaves an aborted transaction: closing it is safe
        door.query("ROLLBACK")
        assert door.query("SELECT count(*) FROM schools").item() == 6
    assert read.unclosable() == 0


def test_sql_error_keeps_duckdbs_hint_on_one_line(wh):
    with pytest.raises(read.DoorError) as caught:
        read.query(wh, "SELECT school_nam FROM schools")
    e = caught.value
    assert e.kind == "sql" and e.th == "คำสั่ง SQL ผิดพลาด" and e.en == "SQL error"
    assert "Binder Error" in e.detail and '"school_name"' in e.detail and "\n" not in e.line()
    with pytest.raises(read.DoorError, match="Did you mean") as caught:
        read.query(wh, "SELECT * FROM school")
    assert caught.value.kind == "sql"


def test_csv_holds_list_columns_as_json(wh):
    df = read.query(wh, "SELECT school_code, rule_ids, reason_th FROM quarantine ORDER BY school_code")
    back = pl.read_csv(read.csv_text(df).encode())
    assert [json.loads(v) for v in back["rule_ids"]] == [["DLTV-02", "DLTV-03"], ["REF-01"]]
    assert back["reason_th"].to_list() == df["reason_th"].to_list()  # quotes and commas survive


def test_nothing_published_yet(tmp_path):
    with pytest.raises(NotPublished) as caught:
        read.query(make_home(tmp_path / "empty"), "SELECT 1")
    assert "khlang ingest" in caught.value.th and "khlang ingest" in caught.value.en


def test_a_new_connection_sees_the_newest_version_while_an_old_one_is_open(tmp_path):
    h = make_home(tmp_path / "root")
    publish(h, _tables(3))
    old = read.connect(h)
    plain = duckdb.connect(str(h.duckdb_path), read_only=True)  # an analyst's DuckDB session, left open
    try:
        assert old.query("SELECT (SELECT count(*) FROM schools), (SELECT version FROM warehouse_info)").row(0) == (3, "v0001")
        assert plain.execute("SELECT count(*) FROM schools").fetchone() == (3,)
        for n, version in ((6, "v0002"), (9, "v0003")):
            publish(h, _tables(n))
            with read.connect(h) as new:
                assert new.query("SELECT (SELECT count(*) FROM schools), (SELECT version FROM warehouse_info)").row(0) == (n, version)
            assert read.query(h, "SELECT version FROM warehouse_info").item() == version
        # the open connection keeps reading its own version whole
        assert old.query("SELECT (SELECT count(*) FROM schools), (SELECT version FROM warehouse_info)").row(0) == (3, "v0001")
    finally:
        old.close()
        plain.close()


def test_limits_are_checked():
    for bad in ({"timeout_s": 0}, {"memory": "lots"}, {"memory": "1MB"}, {"threads": 0}):
        with pytest.raises(ValueError):
            read.Limits(**bad)
    assert read.parse_size("2GB") == 2 * 10**9 and read.parse_size("1.5 GiB") == 3 * 2**29
    assert read.Limits() == read.Limits(timeout_s=30.0, memory="2GB", threads=2)
    assert os.cpu_count()  # threads default is 2: this machine and the office's have 2+ cores


@pytest.mark.parametrize("statement", [
    "CALL enable_logging(storage = 'file', storage_path = '{out}/logs'); SELECT 1",
    "SELECT * FROM enable_logging(storage = 'file', storage_path = '{out}/logs')",
])
def test_moving_duckdbs_log_to_a_file_is_refused_without_crashing_khlang_sql(wh, tmp_path, statement):
    """DuckDB 1.5 lets `enable_logging` past lock_configuration; with only external access off, the log
    file is refused but closing the connection then aborts the process. In a real `khlang sql` process:
    one line, exit 2, no abort, nothing written."""
    import subprocess
    import sys

    out = tmp_path / "out"
    out.mkdir()
    before = _fingerprint(wh.root)
    khlang = Path(sys.executable).with_name("khlang")
    done = subprocess.run([str(khlang), "sql", statement.format(out=out)], capture_output=True, text=True,
                          env={**os.environ, "KHLANG_HOME": str(wh.root)}, cwd=tmp_path, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ด่าน SQL ไม่อนุญาตคำสั่งนี้") and "refused" in lines[0]
    assert "terminate" not in done.stderr and "Traceback" not in done.stderr
    # Nothing written but the statement's own entry in the audit log (khlang sql records every statement).
    audit_dir = str(wh.root / "audit")
    assert list(out.iterdir()) == []
    assert {k: v for k, v in _fingerprint(wh.root).items() if not k.startswith(audit_dir)} == \
        {k: v for k, v in before.items() if not k.startswith(audit_dir)}
    from pipelines import audit

    last = audit.read(wh).row(-1, named=True)
    assert (last["action"], last["outcome"]) == ("sql", "refused") and "enable_logging" in last["target"]


def test_the_dashboards_read_through_the_same_door(tmp_path, monkeypatch):
    from dashboards import data

    h = make_home(tmp_path / "root")
    monkeypatch.setenv("KHLANG_HOME", str(h.root))
    publish(h, _tables(3))
    assert data.q("SELECT count(*) AS n FROM schools").item() == 3
    with pytest.raises(read.DoorError) as caught:
        data.q(f"COPY (SELECT 1) TO '{tmp_path}/x.csv'")
    assert caught.value.kind == "refused" and not (tmp_path / "x.csv").exists()
    with pytest.raises(read.DoorError):
        data.q("SELECT reporter_name FROM dltv_equipment")
    old = read.connect(h)  # a connection left open in the same process
    try:
        publish(h, _tables(6))
        assert data.q("SELECT count(*) AS n FROM schools").item() == 6
        assert data.info()["version"] == "v0002"
    finally:
        old.close()
    csv = data.csv_bytes(data.q("SELECT rule_ids FROM quarantine ORDER BY school_code")).decode("utf-8-sig")
    assert csv.splitlines() == ["rule_ids", '"[""DLTV-02"",""DLTV-03""]"', '"[""REF-01""]"']
