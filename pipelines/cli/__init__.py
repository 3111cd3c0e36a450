"""`khlang`: the command line of the ICT group (กลุ่ม ICT) and of analysts.

    khlang demo                      generate the sample district into a fresh data root and run everything
    khlang ingest [--json]           the nightly job: every file under $KHLANG_HOME/landing/
    khlang check FILE                a school's pre-submission check (writes nothing; exit 1 if a row fails)
    khlang export obec --survey dltv_equipment --year 2569 --out DIR   (then the director approves it on the dashboards)
    khlang release DIR [--to DEST]   copy an approved export, with its approval, into the outbox for OBEC (exit 1: not approved)
    khlang sql "SELECT ..."          read-only SQL over the published warehouse (--format table|csv|json)
    khlang serve                     Dagster UI, dashboards and Data Docs on localhost (Ctrl+C stops all)
    khlang suites                    regenerate expectations/suites/*.json from the contracts
    khlang key create|show           the keys that hash personal identifiers (PII-01) and sign the audit log
    khlang users add|list|passwd     the dashboards' users and roles (passwords hashed, file outside the repo)
    khlang template SURVEY --out FILE.xlsx   blank .xlsx template of a survey (Thai headers, drop-downs, instructions)
    khlang report --period 2569 --out FILE.pdf   the director's summary report: a Thai PDF of the period on A4
    khlang pii-scan [--version V] [--path DIR]   citizen IDs, phones or known names in versions and exports (exit 1)
    khlang audit verify|export|prune the hash-chained audit log: check it (exit 1), CSV for Excel, drop past retention
    khlang maintain [--json]         compact the Delta tables and vacuum past retention now (the weekly job's work)
    khlang national init|run ROOT    many offices under one national root: their nights (on a Dask cluster) and national marts

The data root is $KHLANG_HOME, else ./data when it is one, else the root `khlang demo` last made, else
the checkout's ./data (`pipelines.config.find_root`). Times a person reads are Asia/Bangkok.

Heavy libraries (Dagster, GX) are imported inside the command that needs them, so `khlang sql` is quick.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import threading

from pipelines.cli import audit, check, demo, export, ingest, key, pii_scan, release, report, serve, sql, suites, template
from pipelines.cli import maintain, national, users
from pipelines.cli.output import use_bangkok_time
from pipelines.config import DEFAULT_PORTS

DESCRIPTION = """Khlang คลังข้อมูล สพท. — data root: $KHLANG_HOME, else ./data when it is a data root, else the
one `khlang demo` last made (remembered in ~/.config/khlang/home), else the checkout's ./data.
Times are shown in Asia/Bangkok (stored in UTC)."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="khlang", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="generate the sample district into a fresh data root and run everything")
    d.add_argument("--seed", type=int, default=2569)
    d.add_argument("--schools", type=int, default=300)
    d.add_argument("--events", type=int, default=None, metavar="N",
                   help="rows of the digital platforms' event logs (default: the sample's, about 25,000; 0: none)")
    d.add_argument("--force", action="store_true", help="wipe a non-empty data root not made by demo")
    d.set_defaults(func=demo.cmd_demo)
    i = sub.add_parser("ingest", help="run the nightly job over every file under $KHLANG_HOME/landing/")
    i.add_argument("--json", action="store_true", help="per-file accounting and totals as JSON")
    i.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help="when another run holds the data root, wait this long for it (-1: for ever; default: refuse at once)")
    i.set_defaults(func=ingest.cmd_ingest)
    c = sub.add_parser("check", help="pre-submission check of one file: row-level Thai messages, writes nothing")
    c.add_argument("file")
    c.set_defaults(func=check.cmd_check)
    e = sub.add_parser("export", help="OBEC export")
    e_sub = e.add_subparsers(dest="target", required=True)
    o = e_sub.add_parser("obec", help="validated rows of one survey and period, CSV + XLSX + manifest.json")
    o.add_argument("--survey", required=True)
    o.add_argument("--year", required=True, help="BE year of the survey's period, e.g. 2569 (fiscal year; academic year for DLIT)")
    o.add_argument("--out", required=True)
    o.add_argument("--version", help="re-cut from an earlier warehouse version (default: current)")
    o.set_defaults(func=export.cmd_export)
    s = sub.add_parser("sql", help="read-only SQL over the published warehouse (no files, no personal columns)",
                       description="Read-only SQL over the current published version, through the fenced door "
                                   "(warehouse/read.py).")
    s.add_argument("query")
    s.add_argument("--format", choices=["table", "csv", "json"], default="table",
                   help="table (default): a readable table of the first --limit rows, Thai text aligned, whole numbers "
                        "as integers, zoned times in Asia/Bangkok, cells over 40 columns cut with …; "
                        "csv: every row, list columns as JSON text; json: every row as a JSON array of objects")
    s.add_argument("--limit", type=int, default=50, help="rows shown in table format (default 50)")
    s.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="stop the statement after this long (default 30)")
    s.add_argument("--memory", default="2GB", metavar="SIZE", help="memory limit of the statement and its result, e.g. 512MB (default 2GB)")
    s.set_defaults(func=sql.cmd_sql)
    v = sub.add_parser("serve", help="Dagster UI, Streamlit dashboards and the GX Data Docs on localhost; "
                                            "Ctrl+C or SIGTERM stops them all")
    v.add_argument("--host", default="127.0.0.1", help="the dashboards' address (default 127.0.0.1; they ask for a login)")
    v.add_argument("--dagster-host", default="127.0.0.1",
                   help="the Dagster UI's address: 127.0.0.1 whatever --host is, since Dagster has no login; "
                        "another only behind the office's login (README)")
    v.add_argument("--dagster-port", type=int, default=DEFAULT_PORTS["dagster"])
    v.add_argument("--streamlit-port", type=int, default=DEFAULT_PORTS["streamlit"])
    v.add_argument("--docs-port", type=int, default=DEFAULT_PORTS["docs"],
                   help=f"GX Data Docs site, on localhost only (default {DEFAULT_PORTS['docs']})")
    v.set_defaults(func=serve.cmd_serve)
    k = sub.add_parser("key", help="the keys that hash personal identifiers (PII-01) and sign the audit log, outside the repo and data root")
    k.add_argument("action", choices=["create", "show"], help="create: new owner-only key files where none exist; show: where they are")
    k.set_defaults(func=key.cmd_key)
    g = sub.add_parser("suites", help="regenerate expectations/suites/*.json from the contracts")
    g.set_defaults(func=suites.cmd_suites)
    template.add_parser(sub)
    users.add_parser(sub)
    report.add_parser(sub)
    pii_scan.add_parser(sub)
    audit.add_parser(sub)
    release.add_parser(sub)
    national.add_parser(sub)
    maintain.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    if argv is None:  # the `khlang` command itself (not a test calling main): local time is Bangkok time
        use_bangkok_time()
    args = parser().parse_args(argv)
    return args.func(args)


def command() -> int:
    """The `khlang` console script: `main`, then `leave`."""
    return leave(main())


def leave(code: int | None) -> int:
    """Exit with `code` without the interpreter's teardown. Freeing, object by object, the module graph and
    heaps that the OS frees at once took 1.8 s after a ten-million-event night (`khlang ingest`; 0.2 s this
    way). What an exit does for others still happens: the exit handlers run (logging's, multiprocessing's,
    finalizers), then the output is flushed and the code returned. With a thread still running that is
    not a daemon, Python's own exit (waiting for it) is left to do the rest: the code is returned."""
    others = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon and t.is_alive()]
    if others:
        return code
    atexit._run_exitfuncs()  # (what Python's exit runs before its teardown)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`khlang sql ... | head`): nothing more to say
            pass
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)


if __name__ == "__main__":
    raise SystemExit(command())
