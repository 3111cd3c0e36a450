"""PII-01: personal identifiers replaced by a keyed hash before anything leaves the landing zone.

HMAC-SHA256 with the office's secret key, so the same user hashes to the same value in every file and
every run (distinct-user counts work) while nobody without the key can test a guess (a plain hash of a
student ID can be reversed by hashing every possible ID). The key lives outside the repository and
outside the data root: $KHLANG_KEY_FILE, else $XDG_CONFIG_HOME/khlang/pii.key (~/.config/khlang/pii.key),
readable by its owner only; it is never written to the warehouse, logs, Data Docs or exports. Only a
short key id (an HMAC of a fixed label) is recorded, so cached results made with another key are not
mixed with this one's.

The key helpers serve every office key of its kind (`KeyKind`): the audit log's key (pipelines.audit)
is made, kept and checked the same way, in its own file.

Values are hashed once per distinct value (a few thousand users, not millions of events) and mapped
back with a Polars join.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.config import config_file

ENV_KEY_FILE = "KHLANG_KEY_FILE"
KEY_BYTES = 32
HASH_PREFIX = "h1:"  # marks a hashed value (and the scheme), so it is never mistaken for a raw id


@dataclass(frozen=True)
class KeyKind:
    """One of the office's secret keys: the variable naming its file, the file's name in
    $XDG_CONFIG_HOME/khlang/, and what it is for (Thai, English) for messages."""

    env: str
    filename: str
    what_th: str
    what_en: str


PII_KEY = KeyKind(ENV_KEY_FILE, "pii.key", "กุญแจสำหรับแฮชข้อมูลส่วนบุคคล", "key for hashing personal data")


class KeyProblem(RuntimeError):
    """The key is missing or unsafe: a Thai and an English message saying what to do."""

    def __init__(self, th: str, en: str):
        super().__init__(f"{en} / {th}")
        self.th, self.en = th, en


def key_file(kind: KeyKind = PII_KEY) -> Path:
    return config_file(kind.filename, kind.env)


def create_key(path: Path | None = None, kind: KeyKind = PII_KEY) -> Path:
    """Write a new random key readable by its owner only (0600); an existing key is kept, never replaced
    (replacing it would make every stored hash unmatchable)."""
    path = path or key_file(kind)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(KEY_BYTES) + "\n")
    return path


def load_key(path: Path | None = None, kind: KeyKind = PII_KEY) -> bytes:
    path = path or key_file(kind)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise KeyProblem(
            f"ไม่พบ{kind.what_th} ({path}) — สร้างด้วย `khlang key create` หรือกำหนด {kind.env}",
            f"no {kind.what_en} at {path}: create one with `khlang key create` or set {kind.env}",
        ) from None
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyProblem(
            f"ไฟล์กุญแจ {path} ผู้อื่นอ่านได้ — ตั้งสิทธิ์ด้วย chmod 600 {path}",
            f"the key file {path} is readable by others: chmod 600 {path}",
        )
    text = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = text.encode()
    if len(key) < 16:
        raise KeyProblem(f"กุญแจใน {path} สั้นเกินไป (ต้องอย่างน้อย 16 ไบต์)", f"the key in {path} is too short (16 bytes at least)")
    return key


def key_id(key: bytes) -> str:
    """A short public name for the key (recorded with cached results; reveals nothing about the key)."""
    return hmac.new(key, b"khlang key id", hashlib.sha256).hexdigest()[:16]


def hash_values(values: pl.Series, key: bytes) -> pl.Series:
    """HMAC-SHA256 of each value (hex, prefixed `h1:`), computed once per distinct value; nulls stay null.
    A value is hashed as any text cell reads (`cells.text`: zero-width and no-break spaces removed, white
    space collapsed and trimmed, blank is null), so `stu-01`, ` stu-01` and `stu-01` with an invisible
    space are one user, and an id of white space alone is blank to REQ-01 as `khlang check` finds it."""
    from pipelines.parsing.cells import text

    written = values.cast(pl.String)
    distinct = written.drop_nulls().unique()
    cleaned = distinct.to_frame("_v").select(text(pl.col("_v"))).to_series()
    keyed = hmac.new(key, digestmod=hashlib.sha256)  # the key's padding hashed once; each value copies that state

    def digest(value: str | None) -> str | None:
        if value is None:
            return None
        h = keyed.copy()
        h.update(value.encode("utf-8"))
        return HASH_PREFIX + h.hexdigest()

    digests = [digest(v) for v in cleaned.to_list()]
    lookup = pl.DataFrame({"_v": distinct, "_h": pl.Series(digests, dtype=pl.String)})
    return (
        written.to_frame("_v").join(lookup, on="_v", how="left", maintain_order="left").get_column("_h").alias(values.name)
    )


def pseudonymise(frame: pl.DataFrame, columns: tuple[str, ...] | list[str], key: bytes) -> pl.DataFrame:
    """`frame` with each of `columns` (that it has) replaced by its keyed hash (`hash_values`)."""
    present = [c for c in columns if c in frame.columns]
    if not present:
        return frame
    return frame.with_columns(hash_values(frame.get_column(c), key) for c in present)


def _th_pin(written: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(the 13 digits as one string, whether they pass the mod-11 check digit) of Thai citizen IDs
    written with dashes, spaces or Thai digits; checked with python-stdnum once per distinct value."""
    from stdnum.th import pin

    from pipelines.parsing.cells import ARABIC_DIGITS, THAI_DIGITS

    digits = written.cast(pl.String).str.replace_many(THAI_DIGITS, ARABIC_DIGITS).str.replace_all(r"[\s\-.]", "")
    distinct = digits.drop_nulls().unique()
    valid = pl.DataFrame({"v": distinct, "ok": [pin.is_valid(v) for v in distinct.to_list()]}, schema={"v": pl.String, "ok": pl.Boolean})
    ok = pl.DataFrame({"v": digits}).join(valid, on="v", how="left", maintain_order="left").get_column("ok")
    return digits.replace("", None), ok


IDENTIFIERS = {"th_pin": _th_pin}  # warehouse.contracts.IDENTIFIER_CHECKS


def verified(frame: pl.DataFrame, checks: dict[str, str]) -> pl.DataFrame:
    """Identifiers normalised and checked as written (`_<column>_valid`: True, False, or null when
    blank), before anything hashes them; needs no key (a school's pre-submission check uses it too)."""
    out = frame
    for column, kind in checks.items():
        if column in frame.columns:
            value, ok = IDENTIFIERS[kind](frame.get_column(column))
            out = out.with_columns(value.alias(column), ok.alias(f"_{column}_valid"))
    return out


def protect(frame: pl.DataFrame, contract, key: bytes | None) -> pl.DataFrame:
    """What may leave landing/ of a table's raw rows: identifiers checked then hashed (PII-01, PER-02),
    landing-only columns such as staff names emptied (PII-02)."""
    frame = verified(frame, contract.check_before_hashing)
    gone = [c for c in contract.landing_only if c in frame.columns]
    if gone:
        frame = frame.with_columns(pl.lit(None, pl.String).alias(c) for c in gone)
    if contract.pseudonymise:
        if key is None:
            raise ValueError(f"{contract.table} has personal identifiers to hash but no key was given")
        frame = pseudonymise(frame, contract.pseudonymise, key)
    return frame
