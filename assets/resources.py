"""Dagster resources: the data root every asset reads and writes, held by one run at a time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from pipelines.config import Home, home

LOCK_WAIT_SECONDS = 3600.0


class KhlangHome(dg.ConfigurableResource):
    """The Khlang data root. Empty means $KHLANG_HOME, else ./data, resolved when a run starts.

    For a run (not a sensor or schedule tick) the resource holds the data root's run lock from the
    run's start to its end, so the sensor, the schedule, a UI launch and `khlang ingest` never write the
    lake together; a run that finds the lock taken waits up to `lock_wait_seconds`, naming the holder.
    """

    root: str = ""
    lock_wait_seconds: float = LOCK_WAIT_SECONDS

    def home(self) -> Home:
        return home(self.root or None)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[KhlangHome]:
        if context.run_id is None or context.instance is None:  # sensor/schedule evaluation, tests
            yield self
            return
        from pipelines.recovery import after_crash, run_tags
        from pipelines.runlock import describe, run_lock

        h, instance, log = self.home(), context.instance, context.log
        instance.add_run_tags(context.run_id, run_tags())

        def recover(previous: dict | None) -> None:
            for line in after_crash(h, instance, previous, own_run_id=context.run_id):
                log.warning(line)

        def waiting(holder: dict | None) -> None:
            log.warning(f"waiting for the run lock on {h.root}: held by {describe(holder or {})}")

        with run_lock(h, command="dagster run", run_id=context.run_id, wait_seconds=self.lock_wait_seconds,
                      on_acquire=recover, on_wait=waiting):
            yield self
