"""Dagster's own SQLite storage (run history and event log), with its connections kept open.

Dagster's `SqliteEventLogStorage` and `SqliteRunStorage` make a new SQLAlchemy engine and a new SQLite
connection for every statement (NullPool); closing the last connection of a WAL database checkpoints it.
Measured on the sample district (300 schools, 866 events a night): ~25 ms an event, 23 s of a 33 s night
that changed nothing. These subclasses keep an engine per database file and process and change nothing
else: the same files, schema and migrations, so an existing data root's history reads as before.

They are named in each data root's dagster.yaml (pipelines/run.py `dagster_yaml`), so the daemon and the
UI (`khlang serve`) use them too. A connection is used by one thread at a time (the pool hands it out);
after a fork the child opens its own; a process keeps at most `MAX_SHARDS` run databases open.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SQLITE_BUSY_TIMEOUT_SECONDS, SqliteEventLogStorage
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

MAX_SHARDS = 8  # open run databases per process: the run being written, the index, a few the UI reads


def _no_fsync_per_commit(dbapi_connection, _record) -> None:
    """WAL with `synchronous=NORMAL`, SQLite's advice: a commit is not flushed to disk by itself, the WAL
    is at each checkpoint. A killed process loses nothing (its commits are in the OS's cache); a power
    cut can lose the run log's last events, never corrupt it. Dagster makes its index WAL but leaves
    each run's database in rollback mode, flushed (FULL) at every commit: ~2 ms of each of a night's ~870
    events here. A database another process holds stays as it is (NORMAL only ever goes with WAL).
    The warehouse's own files are flushed where they are written (pipelines.durable)."""
    cursor = dbapi_connection.cursor()
    try:
        try:
            mode = cursor.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        except sqlite3.OperationalError:  # locked by another process: its mode stays
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() == "wal":
            cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


class _Engines:
    """Engines by database URL for this process, the least recently used disposed past `limit`."""

    def __init__(self, limit: int):
        self.limit = limit
        self.pid = os.getpid()
        self.engines: OrderedDict[str, Engine] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, url: str) -> Engine:
        """The engine of `url`, made on first use."""
        with self.lock:
            if self.pid != os.getpid():  # a forked child: the parent's connections are not its own
                for engine in self.engines.values():
                    engine.dispose(close=False)
                self.engines.clear()
                self.pid = os.getpid()
            engine = self.engines.get(url)
            if engine is not None:
                self.engines.move_to_end(url)
                return engine
            engine = create_engine(url, pool_size=1, max_overflow=8,
                                   connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
            event.listen(engine, "connect", _no_fsync_per_commit)
            self.engines[url] = engine
            while len(self.engines) > self.limit:
                self.engines.popitem(last=False)[1].dispose()
            return engine

    def dispose(self) -> None:
        with self.lock:
            for engine in self.engines.values():
                engine.dispose()
            self.engines.clear()


class KeptSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log (one database per run, plus the index), connections kept."""

    def __init__(self, base_dir: str, inst_data=None):
        self._kept = _Engines(MAX_SHARDS)
        self._tables: set[str] = set()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> KeptSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:  # as Dagster's: one statement at a time in this storage
            engine = self._kept.get(self.conn_string_for_shard(shard))
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        """Dagster's answer (a connection of its own each time, asked for every asset event), remembered
        once a table is there: tables are added by migrations, never dropped."""
        if table_name not in self._tables and super().has_table(table_name):
            self._tables.add(table_name)
        return table_name in self._tables

    def wipe(self) -> None:
        """Dagster's wipe deletes the run databases' files: kept connections to them would go on reading
        and writing the deleted files, so they are closed first."""
        self._kept.dispose()
        super().wipe()

    def dispose(self) -> None:
        super().dispose()
        self._kept.dispose()


class KeptSqliteRunStorage(SqliteRunStorage):
    """Dagster's SQLite run storage (runs.db), its connection kept."""

    def __init__(self, conn_string: str, inst_data=None):
        self._kept = _Engines(1)
        super().__init__(conn_string, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> KeptSqliteRunStorage:
        return cls.from_local(inst_data=inst_data, **config_value)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        engine = self._kept.get(self._conn_string)
        with engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        super().dispose()
        self._kept.dispose()
