"""`khlang users add|list|passwd`: the dashboards' users, kept by ICT staff (pipelines/users.py says
where the file is, what it holds and how failed logins lock an account).

    khlang users add somchai --role director --name "นายสมชาย ใจดี"
    khlang users add school_1040008049 --role school --school 1040008049 --name "โรงเรียนบ้านป่าเปือย"
    khlang users add ict_4001 --role ict --office 4001          # an office's user on a national root
    khlang users add obec1 --role analyst --office ALL            # national staff: every office, one at a time
    khlang users list
    khlang users passwd somchai            # a new random password (also lifts a lock)

A new password is random (or typed twice with --prompt), printed once here and stored only as a bcrypt
hash; the cookie key is never printed. A school user's code must be in the published register when one
is published. `--office` (optional): the user's office (สพท.) code, or ALL for national staff; without it
the user belongs to the data root's own office, as every user did before offices (pipelines/users.py).
"""

from __future__ import annotations

import sys

from pipelines.cli.output import out as _out


def add_parser(sub) -> None:
    """Register `users` on the `khlang` subcommands."""
    from pipelines.users import ALL_OFFICES, ROLES

    p = sub.add_parser("users", help="the dashboards' users: add, list, set a new password",
                       description="ผู้ใช้แดชบอร์ด / the dashboards' users (file: $KHLANG_USERS_FILE, else "
                                   "~/.config/khlang/users.yaml, owner-only)")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("add", help="a new user with a random first password, printed once")
    a.add_argument("username")
    a.add_argument("--role", required=True, choices=list(ROLES))
    a.add_argument("--school", metavar="CODE", help="the 10-digit school code (role school only)")
    a.add_argument("--name", help="the name shown in the dashboards (default: the username)")
    a.add_argument("--office", metavar="CODE",
                   help=f"the user's office code (warehouse/contracts/_offices.yaml), or {ALL_OFFICES} for national "
                        "staff; default: the data root's own office")
    a.add_argument("--prompt", action="store_true", help="type the password (twice) instead of a random one")
    actions.add_parser("list", help="users, roles, schools, offices, and locked accounts")
    w = actions.add_parser("passwd", help="a new password for a user (random unless --prompt); lifts a lock")
    w.add_argument("username")
    w.add_argument("--prompt", action="store_true", help="type the password (twice) instead of a random one")
    p.set_defaults(func=cmd_users)


def _refuse(th: str, en: str) -> int:
    print(f"  ✗ {th}\n    {en}", file=sys.stderr)
    return 2


def _password(prompt: bool) -> str:
    from getpass import getpass

    from pipelines.users import new_password

    if not prompt:
        return new_password()
    first = getpass("รหัสผ่านใหม่ / new password: ")
    if getpass("พิมพ์อีกครั้ง / again: ") != first:
        raise SystemExit(_refuse("รหัสผ่านสองครั้งไม่ตรงกัน", "the two passwords differ"))
    return first


def _school_problem(code: str | None) -> tuple[str, str] | None:
    """(th, en) when `code` is not in the published register; None when it is, or nothing is published."""
    if not code:
        return None
    from pipelines.config import home
    from warehouse.publish import NotPublished, read_snapshot

    try:
        register = read_snapshot(home(), "schools")
    except (NotPublished, FileNotFoundError):
        _out(f"ยังไม่มีทะเบียนที่เผยแพร่ จึงตรวจรหัส {code} ไม่ได้ / nothing published: school code {code} not checked")
        return None
    if code in set(register.get_column("school_code").to_list()):
        return None
    return (f"ไม่พบรหัสสถานศึกษา {code} ในทะเบียนที่เผยแพร่", f"school code {code} is not in the published register")


def user_lines(made) -> list[str]:
    """`(User, password)` pairs as lines to print once: username, password, role in Thai, school."""
    from pipelines.users import ROLES

    width = max(len(u.username) for u, _ in made)
    return [f"    {u.username:<{width}}  {password}   {ROLES[u.role][0]} ({ROLES[u.role][1]})"
            + (f" · {u.school_code} {u.name}" if u.school_code else "") + (f" · {u.office}" if u.office else "")
            for u, password in made]


def _shown_once(made, path) -> None:
    _out("\n".join([f"รหัสผ่านแสดงครั้งเดียวนี้ ไม่ได้เก็บเป็นข้อความ / shown this once, stored only as a hash ({path}):",
                    *user_lines(made)]))


def cmd_users(args) -> int:
    from pipelines import users

    path = users.users_file()
    try:
        if args.action == "list":
            return _list(users.load(path), path)
        if args.action == "add":
            users.check_office(args.office, args.role)  # before a password is asked for
            problem = _school_problem(args.school)
            if problem:
                return _refuse(*problem)
            if path.exists() and users.user(users.load(path), args.username):
                return _refuse(f"มีผู้ใช้ {args.username} อยู่แล้ว (เปลี่ยนรหัสผ่านด้วย khlang users passwd)",
                               f"user {args.username} exists (new password: khlang users passwd)")
            password = _password(args.prompt)  # asked before the file is locked: logins go on meanwhile
            with users.updating(path, create=True) as config:
                made = users.add_user(config, args.username, role=args.role, password=password, name=args.name,
                                      school_code=args.school, office=args.office)
            _out(f"เพิ่มผู้ใช้แล้ว / user added: {made.username}")
        else:
            if users.user(users.load(path), args.username) is None:
                return _refuse(f"ไม่มีผู้ใช้ {args.username}", f"no user {args.username}")
            password = _password(args.prompt)
            with users.updating(path) as config:
                users.set_password(config, args.username, password)
                made = users.user(config, args.username)
            _out(f"ตั้งรหัสผ่านใหม่แล้ว (ปลดล็อกแล้ว) / new password set (any lock lifted): {made.username}")
    except users.UsersProblem as problem:
        return _refuse(problem.th, problem.en)
    _shown_once([(made, password)], path)
    return 0


def office_text(office: str | None) -> str:
    """A user's office for `khlang users list`: its code and Thai name, national staff, or the root's own."""
    from pipelines.office import offices
    from pipelines.users import ALL_OFFICES

    if office is None:
        return "เขตของที่เก็บข้อมูล / the data root's office"
    if office == ALL_OFFICES:
        return f"{ALL_OFFICES} ทุกเขต (ส่วนกลาง) / every office (national staff)"
    known = offices().get(office)
    return f"{office} {known.th}" if known else f"{office} (ไม่รู้จักรหัสนี้ / unknown code)"


def _list(config: dict, path) -> int:
    from pipelines import users
    from pipelines.cli.output import bangkok

    everyone = users.all_users(config)
    _out(f"ผู้ใช้ {len(everyone)} คน / {len(everyone)} users in {path}")
    for u in everyone:
        entry = config["credentials"]["usernames"][u.username]
        until = users.locked_until(entry)
        th, en = users.ROLES.get(u.role, (u.role, u.role))
        _out(f"  {u.username:<20} {th} ({en})" + (f" · {u.school_code}" if u.school_code else "")
             + f" · {office_text(u.office)} · {u.name}" + (f"  ล็อกถึง / locked until {bangkok(until)}" if until else ""))
    return 0
