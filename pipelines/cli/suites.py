"""`khlang suites`: regenerate expectations/suites/*.json from the contracts."""

from __future__ import annotations

from pipelines.cli.output import out as _out


def cmd_suites(args) -> int:
    from expectations.suites import write_suites

    for p in write_suites():
        _out(str(p))
    return 0
