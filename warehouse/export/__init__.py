"""OBEC export (ส่งออกข้อมูลให้ สพฐ., contract section 4): one survey, one period, one version.

The export is cut from the immutable Parquet snapshot of a published version, never from the live
DuckDB file, so the manifest's `warehouse.version` is enough to re-cut the same rows later. The version
must be in the publish ledger and every file of it must still match the sha256 its manifest recorded
(`warehouse.publish.verified_version`): an orphan folder left by a killed run, a snapshot altered after
publishing, or a path given as `--version` is refused. The CSV and XLSX depend only on that snapshot
(no clock, no paths): re-running gives byte-identical files, and their checksums in the manifest prove
what was sent. Only `exported_at` (and `replaced`) in the manifest change.

Values are written the way a Thai office reads them: BE dates `dd/mm/yyyy`, BE years, ใช่/ไม่ใช่,
the Thai label of coded items, Thai headers from the contract. Personal columns never leave. Text that
Excel would run as a formula is neutralised (OWASP CSV Injection) in both files alike.

Nothing goes to OBEC without the director: an export is cut awaiting the director's approval, and only an approved,
unchanged one is released (`signoff`: prepared -> approved | returned -> released, contract section 4).

Modules: `cells` (values), `files` (CSV/XLSX writers), `folder` (the atomic `--out`), `obec` (the export),
`signoff` (the director's approval and the release).
"""

from warehouse.export.cells import FORMULA_START, formatted, neutralised, sheet_name
from warehouse.export.errors import ExportError
from warehouse.export.obec import export_obec

__all__ = ["FORMULA_START", "ExportError", "export_obec", "formatted", "neutralised", "sheet_name"]
