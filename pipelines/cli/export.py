"""`khlang export obec`: one survey and period of a published version, for OBEC."""

from __future__ import annotations

import sys
from pathlib import Path

from pipelines.cli.output import out as _out
from pipelines.config import home


def cmd_export(args) -> int:
    from warehouse.export import ExportError, export_obec

    try:
        manifest = export_obec(home(), args.survey, int(args.year), Path(args.out), version=args.version)
    except ExportError as e:
        print(str(e), file=sys.stderr)
        return 2
    _out(f"ส่งออก {manifest['rows']['exported']} แถว จากคลังฉบับ {manifest['warehouse']['version']} / exported to {args.out}:")
    for f in manifest["files"]:
        _out(f"  {f['name']}  sha256 {f['sha256']}")
    _out("  manifest.json")
    return 0
