"""A per-file problem: the file's rows are not ingested, the rest of the batch goes on."""

from __future__ import annotations


class FileProblem(Exception):
    """Names what is wrong, in Thai and English, and where (sheet, row, column) when known.

    `th` is plain Thai a school clerk understands (what is wrong, what to do), `en` the same in
    English; `detail` is the technical detail (a library's error text, the first bytes of a file), shown
    on its own line after them and never inside the Thai sentence.
    """

    def __init__(
        self,
        kind: str,
        th: str,
        en: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        table: str | None = None,
        detail: str | None = None,
    ):
        super().__init__(en)
        self.kind = kind
        self.th = th
        self.en = en
        self.sheet = sheet
        self.row = row
        self.column = column
        self.table = table  # the table the file looked like, when known
        self.detail = detail  # technical detail, for whoever fixes it (not the clerk's sentence)

    def where(self) -> str:
        parts = []
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "th": self.th,
            "en": self.en,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "table": self.table,
            "detail": self.detail,
        }
