"""PER-02 and PII-02 before storage: citizen IDs normalised and checked as written, then only their keyed
hash kept; landing-only columns (staff names) emptied. IDs are made by code: twelve digits and the
check digit python-stdnum computes, then written as people write them (dashes, spaces, Thai digits)."""

from __future__ import annotations

import polars as pl
from stdnum.th import pin

from pipelines.pii import HASH_PREFIX, protect, verified
from warehouse.contracts import Contract


def citizen_id(twelve: str) -> str:
    return twelve + pin.calc_check_digit(twelve)


GOOD = citizen_id("110170020703")
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
WRITTEN = [
    GOOD,                                                          # as is
    f"{GOOD[0]}-{GOOD[1:5]}-{GOOD[5:10]}-{GOOD[10:12]}-{GOOD[12]}",  # the card's dashes
    " " + GOOD.translate(THAI) + " ",                              # Thai digits, spaces
    GOOD[:-1] + str((int(GOOD[-1]) + 1) % 10),                     # a wrong check digit
    GOOD[:12],                                                     # twelve digits
    None,                                                          # blank
]
ROSTER = Contract(table="t", th="t", en="t", section="3.5", kind="survey", columns=(), key=(),
                  pseudonymise=("citizen_id",), check_before_hashing={"citizen_id": "th_pin"},
                  landing_only=("full_name",))


def test_ids_checked_as_written_whatever_the_writing():
    got = verified(pl.DataFrame({"citizen_id": WRITTEN}), {"citizen_id": "th_pin"})
    assert got["_citizen_id_valid"].to_list() == [True, True, True, False, False, None]
    assert got["citizen_id"].to_list()[:3] == [GOOD] * 3, "one person, one value, however written"


def test_only_the_hash_and_the_check_leave_landing_and_names_do_not():
    frame = pl.DataFrame({"citizen_id": WRITTEN, "full_name": ["นางสาวสมศรี ใจดี"] * len(WRITTEN)})
    out = protect(frame, ROSTER, b"k" * 32)
    ids = out["citizen_id"].to_list()
    assert all(v.startswith(HASH_PREFIX) for v in ids[:5]) and ids[5] is None
    assert ids[0] == ids[1] == ids[2] != ids[3], "the same person hashes the same however written"
    assert out["full_name"].null_count() == out.height
    assert out["_citizen_id_valid"].to_list() == [True, True, True, False, False, None]
    text = out.write_csv()
    assert GOOD not in text and GOOD[:12] not in text and "สมศรี" not in text
