"""Make GX's SQL execution engine return rows on DuckDB (duckdb_engine / ``duckdb:///file.db``).

Call :func:`enable` once, before validating a batch of a GX SQL datasource whose connection
string is ``duckdb:///...``. It is idempotent, touches only DuckDB connections, and refuses
to patch a GX version it was not checked against.

Root cause (great_expectations 1.24.1, ``execution_engine/sqlalchemy_execution_engine.py``):

* ``SqlAlchemyExecutionEngine.execute_query`` (line 1576) runs the statement inside
  ``with self.get_connection() as connection:`` and returns the *unfetched* ``CursorResult``;
  callers fetch only after the ``with`` has closed the connection (e.g.
  ``resolve_metric_bundle``, line 1081: ``self.execute_query(q).fetchall()``).
* ``get_connection`` (line 1514) keeps one open connection only for the dialects in
  ``_PERSISTED_CONNECTION_DIALECTS`` (line 181: sqlite, mssql, bigquery, databricks). For any
  other dialect, duckdb included, it is ``with self.engine.connect()``, and closing that
  returns the DBAPI connection to the pool, whose reset-on-return issues ``rollback()``.
* duckdb_engine's ``CursorWrapper`` is not a separate cursor: it forwards to the one
  ``duckdb.DuckDBPyConnection`` (duckdb_engine ``ConnectionWrapper.cursor``), and a DuckDB
  connection holds one pending result. The pool's ``rollback()`` runs on that connection and
  discards the pending result, so the later ``fetchall()`` returns ``[]``. Drivers such as
  psycopg2 buffer the rows in their cursor, so they never see it.
* ``resolve_metric_bundle`` then does ``len(res[0])`` on ``[]``: "IndexError: list index out
  of range", every metric unresolved, every expectation ``success=False`` with an empty result.
  Reported as GX issues #10738 and #11579; GX PR #11635 only turned the IndexError into a
  clearer error; GX PR #12084 (a native DuckDB engine, not SQLAlchemy) is unmerged.

Fix: wrap the one function that runs the statement while the connection is still open,
``SqlAlchemyExecutionEngine._execute_query_with_recovery`` (line 1540, used by both
``execute_query`` and ``execute_query_in_transaction``), so that on a DuckDB connection a
row-returning result is buffered (``CursorResult.freeze()``) before the connection closes.
The buffered result offers what GX's callers use (fetchall/fetchone/fetchmany/scalar/keys).
Nothing else in GX's SQL path needed changing for the expectations the tests cover.

Two gaps remain. They are part of GX's SQL engine on every database, not just DuckDB, and this
patch does not touch them (tests/expectations/test_duckdb_sql.py checks both):

* ``unexpected_index_list`` is cut to ``partial_unexpected_count`` (default 20) even with
  COMPLETE (``expectations/metrics/map_metric_provider/map_condition_auxilliary_methods.py``
  line 585, ``.limit(result_format["partial_unexpected_count"])``). To get every failing row,
  pass ``"partial_unexpected_count": <row count>`` in result_format.
* ``expect_compound_columns_to_be_unique``: on SQL, GX does not compute an
  ``unexpected_index_list`` at all (``expectations/expectation.py`` line 2794, "ID/PK currently
  doesn't work ... in SQL"). Its join back to the group counts uses ``=``
  (``metrics/multicolumn_map_metrics/compound_columns_unique.py`` line 144), so a key
  containing a NULL never counts as a duplicate. pandas does count it.
"""

from __future__ import annotations

from typing import Any

# The versions whose execute_query/get_connection/_execute_query_with_recovery were read
# for this patch. Another version may have fixed or moved them: check, then add it here.
SUPPORTED_GX_VERSIONS = frozenset({"1.24.1"})

_DIALECT = "duckdb"
_PATCH_MARK = "_khlang_duckdb_buffered"


class UnsupportedGXVersion(RuntimeError):
    """The installed great_expectations is not one this patch was checked against."""


def _buffering(original: Any) -> Any:
    def _execute_query_with_recovery(connection: Any, query: Any) -> Any:
        result = original(connection, query)
        if connection.dialect.name == _DIALECT and result.returns_rows:
            # Fetch now, while the connection is open: closing it rolls back the DuckDB
            # connection, which drops the pending result (see the module docstring).
            return result.freeze()()
        return result

    setattr(_execute_query_with_recovery, _PATCH_MARK, True)
    _execute_query_with_recovery.__wrapped__ = original  # type: ignore[attr-defined]
    return _execute_query_with_recovery


def is_enabled() -> bool:
    from great_expectations.execution_engine.sqlalchemy_execution_engine import (
        SqlAlchemyExecutionEngine,
    )

    current = SqlAlchemyExecutionEngine.__dict__.get("_execute_query_with_recovery")
    return getattr(getattr(current, "__func__", None), _PATCH_MARK, False)


def enable() -> None:
    """Patch GX's SQL engine so that DuckDB results survive the connection's close.

    Idempotent. Raises UnsupportedGXVersion on a GX version not in SUPPORTED_GX_VERSIONS,
    or if the patched function is no longer where it was.
    """
    import great_expectations
    from great_expectations.execution_engine.sqlalchemy_execution_engine import (
        SqlAlchemyExecutionEngine,
    )

    version = great_expectations.__version__
    if version not in SUPPORTED_GX_VERSIONS:
        raise UnsupportedGXVersion(
            f"expectations.duckdb_sql was checked against great_expectations "
            f"{sorted(SUPPORTED_GX_VERSIONS)}, not {version}: check whether "
            f"SqlAlchemyExecutionEngine.execute_query still returns an unfetched result "
            f"after closing its connection (GX issues #10738, #11579), then update the patch"
        )
    if is_enabled():
        return
    current = SqlAlchemyExecutionEngine.__dict__.get("_execute_query_with_recovery")
    if not isinstance(current, staticmethod):
        raise UnsupportedGXVersion(
            f"great_expectations {version}: SqlAlchemyExecutionEngine._execute_query_with_recovery "
            f"is not the staticmethod this patch wraps"
        )
    SqlAlchemyExecutionEngine._execute_query_with_recovery = staticmethod(  # type: ignore[method-assign]
        _buffering(current.__func__)
    )


def disable() -> None:
    """Undo enable() (for tests)."""
    from great_expectations.execution_engine.sqlalchemy_execution_engine import (
        SqlAlchemyExecutionEngine,
    )

    if is_enabled():
        patched = SqlAlchemyExecutionEngine.__dict__["_execute_query_with_recovery"].__func__
        SqlAlchemyExecutionEngine._execute_query_with_recovery = staticmethod(  # type: ignore[method-assign]
            patched.__wrapped__
        )
