"""What a run does first, holding the run lock: clean up after any run that died before it.

- temporary files and never-published version folders (`warehouse.publish.recover`);
- the published Delta tables (warehouse/tables/) brought to the ledger's current version, when a run was
  killed between the ledger commit and the Delta commits (`warehouse.publish.sync_delta`);
- data files of incremental tables that no Delta commit names (`warehouse.tables.uncommitted`);
- GX's file context (`expectations.store.reset`);
- Dagster runs whose process is gone but which still say STARTED: marked failed, so the run queue
  (one run at a time) moves on. Dagster's own run monitoring does the same for runs the daemon launched
  (dagster.yaml enables it); this also covers runs started from the command line, which no launcher
  watches. A run is known dead when it is the lock's previous holder (the lock was free, so its process
  is gone) or when the pid it recorded on this host no longer exists.
"""

from __future__ import annotations

import os
import socket

from pipelines.config import Home

PID_TAG = "khlang/pid"
HOST_TAG = "khlang/host"
MAX_RUNS_SCANNED = 50


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fail_dead_runs(instance, previous_holder: dict | None, own_run_id: str | None) -> list[str]:
    import dagster as dg

    in_progress = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
    runs = instance.get_runs(filters=dg.RunsFilter(statuses=in_progress), limit=MAX_RUNS_SCANNED)
    dead_holder = (previous_holder or {}).get("run_id")
    failed = []
    for run in runs:
        if run.run_id == own_run_id:
            continue
        pid, host = run.tags.get(PID_TAG), run.tags.get(HOST_TAG)
        died = run.run_id == dead_holder or (
            pid is not None and host == socket.gethostname() and int(pid) != os.getpid() and not _alive(int(pid))
        )
        if died:
            instance.report_run_failed(run, "the run's process died (killed or crashed); marked failed by the next run")
            failed.append(run.run_id)
    return failed


def after_crash(home: Home, instance, previous_holder: dict | None, own_run_id: str | None = None) -> list[str]:
    """Clean up after dead runs; return one line per thing done (empty on an ordinary night)."""
    from expectations.store import reset
    from warehouse.publish import recover, sync_delta

    done = [f"removed {p}" for p in recover(home)]
    done += [f"committed the published version to {line}" for line in sync_delta(home)]
    from warehouse.tables import uncommitted

    for f in uncommitted(home):  # files of a night killed before its Delta commit
        f.unlink(missing_ok=True)
        done.append(f"removed uncommitted {f.relative_to(home.root)}")
    done += [f"GX store: removed {p}" for p in reset(home)]
    if instance is not None:
        done += [f"marked dead run {r} failed" for r in fail_dead_runs(instance, previous_holder, own_run_id)]
    return done


def run_tags() -> dict[str, str]:
    """Tags that let a later run tell whether this run's process still exists."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}
