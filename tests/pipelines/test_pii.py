"""PII-01: the keyed hash, and the key file's safety rules."""

from __future__ import annotations

import hashlib
import hmac
import os

import polars as pl
import pytest

from pipelines.pii import HASH_PREFIX, KeyProblem, create_key, hash_values, key_id, load_key, pseudonymise


def test_a_new_key_is_owner_only_and_never_replaced(tmp_path):
    path = create_key(tmp_path / "k" / "pii.key")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    first = path.read_bytes()
    create_key(path)
    assert path.read_bytes() == first


def test_a_key_others_can_read_is_refused(tmp_path):
    path = create_key(tmp_path / "pii.key")
    os.chmod(path, 0o644)
    with pytest.raises(KeyProblem, match="chmod 600"):
        load_key(path)


def test_a_missing_key_says_how_to_make_one(tmp_path):
    with pytest.raises(KeyProblem) as e:
        load_key(tmp_path / "none.key")
    assert "khlang key create" in e.value.en and "khlang key create" in e.value.th


def test_same_user_same_hash_across_calls_and_files_other_key_other_hash(tmp_path):
    key = load_key(create_key(tmp_path / "a.key"))
    other = load_key(create_key(tmp_path / "b.key"))
    a = hash_values(pl.Series("u", ["stu-001", "ครู.สมชาย", None, "stu-001"]), key)
    b = hash_values(pl.Series("u", ["ครู.สมชาย", "stu-001"]), key)
    assert a[0] == a[3] == b[1] and a[1] == b[0] and a[2] is None
    assert a[0].startswith(HASH_PREFIX) and len(a[0]) == len(HASH_PREFIX) + 64
    # the published scheme: HMAC-SHA256 of the UTF-8 text, in hex (stored hashes stay comparable)
    assert a[1] == HASH_PREFIX + hmac.new(key, "ครู.สมชาย".encode("utf-8"), hashlib.sha256).hexdigest()
    assert hash_values(pl.Series("u", ["stu-001"]), other)[0] != a[0]
    assert key_id(key) != key_id(other) and key.hex() not in key_id(key)


def test_pseudonymise_hashes_ids_as_text_cells_read_and_leaves_other_columns(tmp_path):
    """An id is hashed as any text cell reads: spaces around it, a no-break or zero-width space in it, a
    run of spaces inside it change nothing; white space alone is blank (null, REQ-01)."""
    key = load_key(create_key(tmp_path / "a.key"))
    written = [" stu-9 ", "stu-9", "stu-9\u200b", "\u00a0stu-9", "", " \u200b\u00a0 ", "ครู  สมชาย", "ครู สมชาย\u200b"]
    frame = pl.DataFrame({"user_id": written, "platform": ["DLTV", "DLIT"] * 4})
    out = pseudonymise(frame, ["user_id", "absent"], key)["user_id"].to_list()
    stu, teacher = (HASH_PREFIX + hmac.new(key, t.encode("utf-8"), hashlib.sha256).hexdigest() for t in ("stu-9", "ครู สมชาย"))
    assert out == [stu, stu, stu, stu, None, None, teacher, teacher]
    assert pseudonymise(frame, ["user_id"], key)["platform"].to_list() == ["DLTV", "DLIT"] * 4
    assert "stu-9" not in str(pseudonymise(frame, ["user_id"], key).to_dicts())
