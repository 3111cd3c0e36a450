"""`khlang demo`: the sample district into a fresh data root, then everything once."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from pipelines.cli.ingest import _print_accounting
from pipelines.cli.output import out as _out
from pipelines.config import (
    DEFAULT_PORTS,
    ENV_HOME,
    ROOT_MARKER,
    Home,
    find_root,
    home,
    remember_root,
)


def _fresh_root(h: Home, force: bool) -> None:
    """Demo data goes into an empty root, or one a previous demo made; never over someone's data."""
    if h.root.exists() and any(h.root.iterdir()):
        if not ((h.root / ROOT_MARKER).exists() or force):
            raise SystemExit(f"{h.root} is not empty and was not made by `khlang demo`; use KHLANG_HOME=<empty dir> or --force")
        shutil.rmtree(h.root)
    h.root.mkdir(parents=True, exist_ok=True)
    (h.root / ROOT_MARKER).write_text("made by khlang demo\n")


def _ours(path: str) -> bool:
    """Whether a `khlang` found on PATH runs this installation (the venv's script or dev.py's launcher)."""
    mine = Path(sys.prefix, "bin", "khlang")
    try:
        if Path(path).resolve() == mine.resolve():
            return True
        return str(mine) in Path(path).read_text(encoding="utf-8", errors="replace")[:1000]
    except OSError:
        return False


def how_to_run_khlang() -> tuple[str, list[str]]:
    """The command to print in examples, and the lines saying how a user's own shell gets it.

    Looks at the PATH of the user's shell (dev.py passes it as KHLANG_USER_PATH, since it puts .venv/bin
    first for its child): plain `khlang` when it runs this installation there, else the activation line."""
    user_path = os.environ.get("KHLANG_USER_PATH", os.environ.get("PATH", ""))
    found = shutil.which("khlang", path=user_path)
    if found and _ours(found):
        return "khlang", [f"คำสั่ง khlang พร้อมใช้ในทุกเชลล์ / `khlang` works in any shell: {found}"]
    activate = Path(sys.prefix, "bin", "activate")
    return "khlang", [
        "ก่อนใช้คำสั่ง khlang ในเชลล์นี้ ให้พิมพ์ / before typing `khlang` in your shell, run:",
        f"    source {shlex.quote(str(activate))}",
        f"(หรือเรียกตรง / or call it directly: {shlex.quote(str(Path(sys.prefix, 'bin', 'khlang')))} ...)",
    ]


def _root_lines(h: Home) -> list[str]:
    """Where the data root is, and whether `khlang` in another folder will find it by itself."""
    remembered = remember_root(h.root)
    saved = os.environ.pop(ENV_HOME, None)
    here = Path.cwd()
    try:
        os.chdir(Path.home())  # what a fresh shell elsewhere would find
        found = find_root()
    finally:
        os.chdir(here)
        if saved is not None:
            os.environ[ENV_HOME] = saved
    if found.root == h.root:
        how = f"จำไว้ใน {remembered}" if remembered else found.how_th
        return [f"  data root:           {h.root}",
                f"      khlang ในโฟลเดอร์ใดก็พบที่นี่ ({how}) / khlang finds it from any folder"]
    return [f"  data root:           {h.root}",
            f"      จากโฟลเดอร์อื่นให้ตั้งค่า / from another folder first:  export {ENV_HOME}={shlex.quote(str(h.root))}"]


def cmd_demo(args) -> int:
    from pipelines.run import run_nightly
    from pipelines.sample import generate

    # $KHLANG_HOME, else ./data here: never a root found elsewhere (another checkout's demo, which this
    # would wipe and regenerate).
    h = home(os.environ.get(ENV_HOME) or "data")
    _fresh_root(h, args.force)
    remember_root(h.root)
    from pipelines.pii import create_key, key_file

    had_key = key_file().exists()
    key = create_key()  # PII-01: outside the repo and the data root, owner-only; an existing one is kept
    _out(("ใช้กุญแจแฮชข้อมูลส่วนบุคคลที่มีอยู่ / using the existing PII key: " if had_key else
          "สร้างกุญแจแฮชข้อมูลส่วนบุคคล (อ่านได้เฉพาะเจ้าของ) / created the PII key (owner-only): ") + str(key))
    from pipelines.audit import AUDIT_KEY

    if not key_file(AUDIT_KEY).exists():  # signs the audit log (pipelines.audit); an existing one is kept
        _out("สร้างกุญแจลงนามบันทึกการใช้งาน (อ่านได้เฉพาะเจ้าของ) / created the audit key (owner-only): "
             + str(create_key(kind=AUDIT_KEY)))
    _out(f"สร้างข้อมูลตัวอย่างของเขตพื้นที่ / generating the sample district into {h.landing} ...")
    events = {} if getattr(args, "events", None) is None else {"events": args.events}
    generate(h.root, seed=args.seed, n_schools=args.schools, **events)
    _out("ประมวลผล / running the nightly job (Dagster, in-process) ...")
    summary = run_nightly(h)
    if not summary.version:
        print("the run published nothing", file=sys.stderr)
        return 2
    _print_accounting(h, summary)
    from warehouse.export import export_obec
    from warehouse.publish import read_snapshot

    latest = int(read_snapshot(h, "dltv_equipment").get_column("fiscal_year").max())
    out = h.exports / f"obec_dltv_equipment_{latest}"
    export_obec(h, "dltv_equipment", latest, out)
    khlang, launch = how_to_run_khlang()
    root = _root_lines(h)
    _out(
        f"""
ผลลัพธ์ / results
  warehouse (DuckDB):  {h.duckdb_path}
      {khlang} sql "SELECT * FROM dltv_needs"      (or the DuckDB CLI: duckdb {h.duckdb_path} -readonly)
  quarantine:          {khlang} sql "SELECT source_file, row_number, rule_ids, reason_th FROM quarantine"
  platforms:           {khlang} sql "SELECT * FROM platform_monthly_users"   (event rows stay in the lake; user ids hashed)
  GX Data Docs:        {h.data_docs}
  OBEC export {latest}:    {out}
{chr(10).join(root)}
  UIs:                 {khlang} serve   (or python3 dev.py serve; Ctrl+C stops it)
      Dagster http://127.0.0.1:{DEFAULT_PORTS["dagster"]}   dashboards http://127.0.0.1:{DEFAULT_PORTS["streamlit"]}   \
Data Docs http://127.0.0.1:{DEFAULT_PORTS["docs"]}

{chr(10).join(launch)}
"""
    )
    _demo_users(h, khlang)  # last, so the first passwords are the last thing on the screen
    return 0 if summary.success else 2


def _demo_users(h: Home, khlang: str) -> None:
    """The dashboards' users, made when there is no users file (one per staff role, and one for each of
    two register schools that sent their DLTV survey), their first passwords printed here only; an
    existing users file is kept as it is (pipelines/users.py)."""
    import polars as pl

    from pipelines.cli.users import user_lines
    from pipelines.users import create_demo_users, users_file
    from warehouse.publish import read_snapshot

    sent = read_snapshot(h, "dltv_equipment").get_column("school_code").drop_nulls().unique()
    schools = read_snapshot(h, "schools").filter(pl.col("school_code").is_in(sent.implode())).sort("school_code")
    made = create_demo_users(schools.select("school_code", "school_name").head(2).rows())
    if made is None:
        _out(f"ผู้ใช้แดชบอร์ด: ใช้แฟ้มผู้ใช้ที่มีอยู่ ไม่ได้สร้างใหม่ / dashboard users: the existing users file is kept: "
             f"{users_file()}\n    ({khlang} users list · {khlang} users passwd NAME: a new password)")
        return
    _out("\n".join([
        f"ผู้ใช้แดชบอร์ด / dashboard users ({users_file()}, อ่านได้เฉพาะเจ้าของ / owner-only)",
        "  รหัสผ่านแรกแสดงครั้งเดียวนี้ ไม่ได้เก็บเป็นข้อความ — จดไว้ หรือตั้งใหม่ด้วย "
        f"{khlang} users passwd NAME",
        "  first passwords, shown this once and never stored in plain text: note them, or set new ones with "
        f"{khlang} users passwd NAME",
        *user_lines(made)]))
