"""`khlang key create|show`: the office's key for hashing personal identifiers (PII-01), kept outside
the repository and the data root (pipelines/pii.py says where and why)."""

from __future__ import annotations

import sys

from pipelines.cli.output import out as _out


def cmd_key(args) -> int:
    from pipelines.pii import KeyProblem, create_key, key_file, key_id, load_key

    path = key_file()
    if args.action == "create":
        existed = path.exists()
        create_key(path)
        if existed:
            _out(f"มีกุญแจอยู่แล้ว ไม่ได้สร้างใหม่ (การเปลี่ยนกุญแจทำให้ค่าแฮชเดิมจับคู่ไม่ได้) / a key already exists, kept: {path}")
        else:
            _out(f"สร้างกุญแจแล้ว อ่านได้เฉพาะเจ้าของ (0600) — สำรองไว้ในที่ปลอดภัย / key created, owner-only (0600); back it up safely: {path}")
    try:
        kid = key_id(load_key(path))
    except KeyProblem as problem:
        print(f"{problem.th}\n{problem.en}", file=sys.stderr)
        return 2
    _out(f"กุญแจ / key: {path}  (รหัสกุญแจ / key id {kid}; the key itself is never printed)")
    return 0
