"""The chaos test's audits (scripts/chaos), shared by its single-gateway and `--cluster` modes: the
same checks read a SQLite file or a PostgreSQL database through `SqliteDb` / `PostgresDb`, which
both answer `rows(sql)` with tuples (PostgreSQL's as text: the audits convert what they compare).
"""
import ctypes
import json
import re
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict


def die_with_us():
    """Runs in each child before exec: the kernel SIGKILLs it when the chaos script dies, however it dies."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def log(message):
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SqliteDb:
    def __init__(self, path):
        self.path = path

    def rows(self, sql):
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()


class PostgresDb:
    """psql over TCP (no driver needed); `hosts` as libpq lists them, the writable one is used, so
    the audit follows a promotion like the gateway does. Fields and rows are split on ASCII unit and
    record separators, which no JSON text or identifier holds raw."""

    def __init__(self, psql, hosts, ports, database, password):
        self.psql = psql
        self.conninfo = (f"host={','.join(hosts)} port={','.join(str(p) for p in ports)} dbname={database} "
                         "user=postgres target_session_attrs=read-write connect_timeout=5")
        self.env = dict(os.environ, PGPASSWORD=password)

    def rows(self, sql):
        run = subprocess.run([self.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-F", "\x1f", "-R", "\x1e",
                              "-d", self.conninfo, "-c", sql], capture_output=True, text=True, env=self.env,
                             timeout=120)
        if run.returncode != 0:
            raise RuntimeError(f"psql {sql!r}: {run.stderr.strip()}")
        out = run.stdout.rstrip("\n")
        return [tuple(None if f == "" else f for f in r.split("\x1f")) for r in out.split("\x1e") if r.strip("\n")]


def open_alarms(db):
    """id -> (identity, raisedAt, deadline, state) of every alarm not closed."""
    out = {}
    for alarm_id, identity, state, record in db.rows("SELECT id, identity, state, record FROM alarm WHERE state != 'closed'"):
        r = json.loads(record)
        out[alarm_id] = {"identity": identity, "raisedAt": r.get("raisedAt"), "deadline": r.get("deadline"),
                         "state": state}
    return out


def compare_alarms(before, db, violations):
    """Every alarm open before a kill is there after it: same id, identity, raise time and deadline,
    and not closed without a recorded transition."""
    now = {alarm_id: (identity, state, record) for alarm_id, identity, state, record
           in db.rows("SELECT id, identity, state, record FROM alarm")}
    closed = {alarm_id for (alarm_id,) in db.rows("SELECT DISTINCT alarm_id FROM alarm_transition WHERE kind = 'closed'")}
    for alarm_id, was in before.items():
        row = now.get(alarm_id)
        if row is None:
            violations.append(f"alarm {alarm_id} ({was['identity']}) open before the kill is gone after it")
            continue
        r = json.loads(row[2])
        for field in ("raisedAt", "deadline"):
            if r.get(field) != was[field]:
                violations.append(f"alarm {alarm_id}: {field} was {was[field]}, after the restart {r.get(field)}")
        if row[0] != was["identity"]:
            violations.append(f"alarm {alarm_id}: identity changed across the restart")
        if row[1] == "closed" and alarm_id not in closed:
            violations.append(f"alarm {alarm_id} closed across the restart without a 'closed' transition")


def audit(db, ledger_path, renotify_every_ms, now_ms):
    """Returns (figures, violations)."""
    violations = []
    figures = {}
    sent = {}          # (site, device, seq) -> boot
    weighs = {}        # (site, device, req) -> seq
    replies = defaultdict(list)  # (site, device, req) -> [(ok, outcome)]
    with open(ledger_path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "sent":
                _, site, device, boot, seq, req = parts
                key = (site, device, int(seq))
                if key in sent:
                    violations.append(f"ledger: {site}/{device} seq {seq} recorded twice by the device")
                sent[key] = int(boot)
                if req != "-":
                    weighs[(site, device, req)] = int(seq)
            elif parts[0] == "ticket":
                _, site, device, req, ok, outcome = parts
                replies[(site, device, req)].append((ok == "1", outcome))
    fleet_devices = {(s, d) for (s, d, _) in sent}
    figures["devices"] = len(fleet_devices)
    figures["messages sent (ledger)"] = len(sent)

    stored = Counter()
    stored_boot = {}
    for table in ("reading", "event"):
        for site, device, boot, seq in db.rows(
                f"SELECT d.site, d.device, t.boot, t.seq FROM {table} t JOIN device d ON d.id = t.device_id"):
            if (site, device) not in fleet_devices:
                continue
            stored[(site, device, int(seq))] += 1
            stored_boot[(site, device, int(seq))] = int(boot)
    figures["rows stored for them"] = sum(stored.values())
    missing = [k for k in sent if k not in stored]
    duplicated = [k for k, n in stored.items() if n > 1]
    unexpected = [k for k in stored if k not in sent]
    wrong_boot = [k for k in sent if k in stored and stored[k] == 1 and stored_boot[k] != sent[k]]
    figures["missing"] = len(missing)
    figures["stored twice"] = len(duplicated)
    figures["stored, never sent"] = len(unexpected)
    figures["stored under another boot"] = len(wrong_boot)
    for name, keys in (("missing", missing), ("stored twice", duplicated), ("stored but never sent", unexpected),
                       ("stored under another boot", wrong_boot)):
        for key in sorted(keys)[:10]:
            violations.append(f"message {name}: {key[0]}/{key[1]} seq {key[2]}")
        if len(keys) > 10:
            violations.append(f"... and {len(keys) - 10} more {name}")

    # Tickets.
    tickets = defaultdict(list)
    for code, site, device, req in db.rows("SELECT code, site, device, req FROM ticket"):
        tickets[(site, device, req)].append(code)
    figures["weighings sent"] = len(weighs)
    figures["ticket replies received"] = sum(len(v) for v in replies.values())
    figures["tickets issued (ok replies)"] = sum(1 for v in replies.values() if any(ok for ok, _ in v))
    figures["tickets in the database"] = sum(len(v) for v in tickets.values())
    for key, answers in replies.items():
        if len(set(answers)) > 1:
            violations.append(f"ticket: {key} got different answers {sorted(set(answers))}")
        for ok, code in set(answers):
            if not ok:
                continue
            stored_codes = tickets.get(key, [])
            if stored_codes != [code]:
                violations.append(f"ticket: reply {code} for {key}, database has {stored_codes}")
        if key not in weighs:
            violations.append(f"ticket: reply for {key}, which no scale sent")
    for key, codes in tickets.items():
        if len(codes) > 1:
            violations.append(f"ticket: {key} has {len(codes)} tickets")
    unanswered = [k for k in weighs if k not in replies]
    figures["weighings without a reply (info)"] = len(unanswered)

    # Alarms at the end: one open per identity, timers neither lost nor fired twice.
    open_by_identity = Counter()
    rows = db.rows("SELECT id, identity, state, record FROM alarm")
    reminders = defaultdict(list)
    for alarm_id, at_ms, note in db.rows(
            "SELECT alarm_id, at_ms, note FROM alarm_transition WHERE kind = 'renotified' ORDER BY id"):
        match = re.match(r"reminder (\d+)", note or "")
        reminders[alarm_id].append((int(match.group(1)) if match else None, int(at_ms)))
    figures["alarms (open at the end)"] = f"{len(rows)} ({sum(1 for r in rows if r[2] != 'closed')})"
    overdue = miscounted = coalesced = 0
    for alarm_id, identity, state, record in rows:
        r = json.loads(record)
        if state != "closed":
            open_by_identity[identity] += 1
        stored = reminders.get(alarm_id, [])
        # Only an alarm whose reminders have a hole needs to know when the gateway first saw it.
        numbers = [n for n, _ in stored if n is not None]
        hole = numbers and numbers[-1] > len(numbers)
        known_at = (alarm_known_at(db, alarm_id) if hole else None) or r["raisedAt"]
        problems, skipped = reminder_violations(alarm_id, r, stored, renotify_every_ms, known_at)
        miscounted += 1 if problems else 0
        coalesced += skipped
        violations += problems
        if state == "raised":
            next_due = r["raisedAt"] + r["notifyCount"] * renotify_every_ms
            # The alarm loop ticks every few seconds; allow it 10 s before calling a timer lost.
            if next_due < now_ms - 10_000:
                overdue += 1
                violations.append(f"alarm {alarm_id}: re-notification due at {next_due} never fired")
    figures["renotifications"] = sum(len(v) for v in reminders.values())
    figures["reminders coalesced (due before the alarm reached the gateway; info)"] = coalesced
    twice = [i for i, n in open_by_identity.items() if n > 1]
    for identity in twice:
        violations.append(f"alarm identity {identity} open {open_by_identity[identity]} times")
    figures["identities open twice"] = len(twice)
    figures["timers overdue / miscounted"] = f"{overdue} / {miscounted}"
    return figures, violations


def reminder_violations(alarm_id, record, reminders, every_ms, known_at):
    """Checks an alarm's stored reminders (notes "reminder k ...") against AlarmLifecycle.due: k is
    due at raisedAt + k × every; each is recorded once, in order, never early, and `notifyCount` is
    one past the last. `due` sends one reminder for all that were due when the loop first reached
    the alarm, not a burst of stale ones, so a reminder may be missing only when the gateway learned
    of the alarm (`known_at`: when it received the message that raised it) after the next one was
    due too. Returns (violations, reminders coalesced so)."""
    problems, skipped = [], 0
    raised, previous = record["raisedAt"], 0
    for number, at_ms in reminders:
        if number is None or number <= previous:
            problems.append(f"alarm {alarm_id}: reminder {number} recorded after reminder {previous}")
            continue
        if at_ms < raised + number * every_ms:
            problems.append(f"alarm {alarm_id}: reminder {number} recorded at {at_ms}, before it was due")
        for missing in range(previous + 1, number):
            # The loop ticks every second: allow it two before the next reminder counts as due.
            if known_at + 2_000 < raised + (missing + 1) * every_ms:
                problems.append(f"alarm {alarm_id}: reminder {missing} never recorded, though the gateway "
                                f"knew of the alarm at {known_at}, before reminder {missing + 1} was due")
            else:
                skipped += 1
        previous = number
    # Past its reminder window (a day in the chaos rules, longer than any run) the count would go
    # on without transitions; within it, every step that moves the count records its reminder.
    if record["notifyCount"] != previous + 1:
        problems.append(f"alarm {alarm_id}: notifyCount {record['notifyCount']} but reminder {previous} recorded")
    return problems, skipped


def alarm_known_at(db, alarm_id):
    """When the gateway received the reading or event that raised the alarm (stamped with the
    alarm's raisedAt); an alarm no message raised (offline, stale) was raised by the gateway's own
    clock, so its raisedAt."""
    rows = db.rows(
        "SELECT max(m.received_ms) FROM alarm a JOIN device d ON d.site = a.site AND d.device = a.device "
        "JOIN (SELECT device_id, ts_ms, received_ms FROM reading UNION ALL "
        "SELECT device_id, ts_ms, received_ms FROM event) m ON m.device_id = d.id AND m.ts_ms = a.raised_ms "
        f"WHERE a.id = '{alarm_id}'")
    return int(rows[0][0]) if rows and rows[0][0] not in (None, "") else None


def stored_count(db):
    """Sequenced rows stored so far (the registry holds only the fleet's devices)."""
    return sum(int(db.rows(f"SELECT count(*) FROM {table}")[0][0]) for table in ("reading", "event"))


def wait_until_stored(db, expected, timeout=90, stall=20):
    """Waits until the store holds `expected` rows and has stopped growing (or stalls for `stall` s)."""
    deadline = time.time() + timeout
    last, stable_since = -1, time.time()
    while time.time() < deadline:
        n = stored_count(db)
        if n != last:
            last, stable_since = n, time.time()
        if n >= expected and time.time() - stable_since > 3:
            break
        if time.time() - stable_since > stall:
            break
        time.sleep(0.5)


def print_summary(title, rows, violations, workdir):
    width = max(len(k) for k, _ in rows)
    print(f"\n## {title}")
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    for v in violations[:50]:
        print(f"VIOLATION: {v}")
    with open(os.path.join(workdir, "summary.json"), "w") as f:
        json.dump({"figures": dict((k, str(v)) for k, v in rows), "violations": violations}, f, indent=2)
