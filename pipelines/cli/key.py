"""`khlang key create|show`: the office's two keys, kept outside the repository and the data root: the
one that hashes personal identifiers (PII-01, pipelines/pii.py says where and why) and the one that
signs the audit log (pipelines/audit)."""

from __future__ import annotations

import sys

from pipelines.cli.output import out as _out


def cmd_key(args) -> int:
    from pipelines.audit import AUDIT_KEY
    from pipelines.pii import (
        PII_KEY,
        KeyProblem,
        create_key,
        key_file,
        key_id,
        load_key,
    )

    code = 0
    for kind in (PII_KEY, AUDIT_KEY):
        path = key_file(kind)
        if args.action == "create":
            existed = path.exists()
            create_key(path, kind)
            if existed:
                _out(f"มี{kind.what_th}อยู่แล้ว ไม่ได้สร้างใหม่ (การเปลี่ยนกุญแจทำให้ค่าแฮชเดิมตรวจไม่ได้) / "
                     f"a {kind.what_en} already exists, kept: {path}")
            else:
                _out(f"สร้าง{kind.what_th}แล้ว อ่านได้เฉพาะเจ้าของ (0600) — สำรองไว้ในที่ปลอดภัย / "
                     f"{kind.what_en} created, owner-only (0600); back it up safely: {path}")
        try:
            kid = key_id(load_key(path, kind))
        except KeyProblem as problem:
            print(f"{problem.th}\n{problem.en}", file=sys.stderr)
            code = 2
            continue
        _out(f"{kind.what_th} / {kind.what_en}: {path}  (รหัสกุญแจ / key id {kid}; the key itself is never printed)")
    return code
