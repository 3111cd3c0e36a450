"""The audit log (บันทึกการใช้งาน): who did what, append-only and hash-chained, outside the warehouse.

Everything a person does that the office must be able to account for is one entry, recorded by the code
that does it:

    from pipelines.audit import record
    record(h, "login", user="somchai", role="ict")
    record(h, "sql", user="analyst1", role="analyst", target=statement[:500], outcome="refused", rows=0, seconds=0.2)

`record(h, action, *, user, role, target=None, outcome="ok", **details) -> dict` appends and returns the
entry. Actions (chain.ACTIONS, Thai meaning beside each; any other name is refused):

    login, login_failed, logout          the dashboards' login (login_failed: outcome "failed")
    page_view                            a dashboard page opened (target: the page)
    upload, check                        a school's file uploaded / checked before sending
    export_prepared, export_approved, export_returned, export_released      OBEC export and sign-off
    sql                                  a statement through the analysts' door (`khlang sql`)
    access_requested, access_approved, access_refused                       access requests
    report                               the director's summary report made
    audit_export, audit_pruned           the log itself exported / pruned
    audit_repaired                       (written by the log itself: a torn last line cut, see chain.py)

Outcomes: ok, failed, refused, error. Roles as the dashboards name them (director, ict, analyst,
school); None when nobody is logged in (a failed login). `details` are JSON-able keyword values.

Where and why (chain.py has the format): `$KHLANG_HOME/audit/YYYY-MM.jsonl`, one JSON entry a line, owner-
only. Not in the warehouse, so nothing published, exported or queried through the SQL door carries it.
Each entry's hash is an HMAC with the audit key, kept like the PII key outside the repo and the data root
($KHLANG_AUDIT_KEY_FILE, else $XDG_CONFIG_HOME/khlang/audit.key, 0600; `khlang key create`), and chains
to the previous entry's, so `verify` (check.py) finds an edited, deleted, inserted or reordered entry
and a cut-off tail, and someone who can write the data root cannot re-chain the log without the key.

The rest: `verify(h) -> list[AuditProblem]`, `read(h, since, until) -> DataFrame`, `export_csv(h, out,
since, until) -> rows` (export.py), `prune(h, now) -> entries removed` (retention.py: 365 days by
default, $KHLANG_AUDIT_KEEP_DAYS, never under 90). On the command line: `khlang audit verify|export|prune`.
"""

from pipelines.audit.chain import (
    ACTIONS,
    AUDIT_KEY,
    ENV_AUDIT_KEY_FILE,
    OUTCOMES,
    AuditError,
    os_user,
    record,
)
from pipelines.audit.check import AuditProblem, Verified, verify, verify_log
from pipelines.audit.export import export_csv, read
from pipelines.audit.retention import (
    DEFAULT_KEEP_DAYS,
    ENV_KEEP_DAYS,
    MIN_KEEP_DAYS,
    keep_days,
    prune,
    prune_quietly,
)

__all__ = [
    "ACTIONS", "AUDIT_KEY", "DEFAULT_KEEP_DAYS", "ENV_AUDIT_KEY_FILE", "ENV_KEEP_DAYS", "MIN_KEEP_DAYS", "OUTCOMES",
    "AuditError", "AuditProblem", "Verified", "export_csv", "keep_days", "os_user", "prune", "prune_quietly", "read",
    "record", "verify", "verify_log",
]
