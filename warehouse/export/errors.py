"""The one error an export raises: a Thai and an English sentence the CLI prints on one line."""

from __future__ import annotations


class ExportError(Exception):
    """An export that cannot be cut; `th` and `en` are shown to staff by the CLI."""

    def __init__(self, th: str, en: str):
        super().__init__(f"{th} / {en}")
        self.th, self.en = th, en
