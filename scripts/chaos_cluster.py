"""`scripts/chaos --cluster` (issue 16, item 7): the chaos test against the scaled-out deployment.

A PostgreSQL primary with a synchronous standby (throw-away, as the postgres user, free loopback
ports), the 3-node NATS broker cluster behind haproxy (scripts/broker-cluster), 3 `serve --role
ingest` instances leasing the shards, and the simulated fleet at about 1,000 msg/s through the
proxy. On a seeded schedule: SIGKILL an ingest instance (restarted as a new owner), SIGKILL a broker
node (its runner starts it again), SIGKILL the PostgreSQL primary and promote the standby (every
instance's --database lists both hosts with target_session_attrs=read-write). Then the same audits
as the single-gateway run (scripts/chaos_audit.py) against the promoted database, and the takeover
times: from each ingest SIGKILL until every shard the killed instance held is leased live by another
owner, and until every site of those shards has a device seen again after the kill.
"""
import glob
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from chaos_audit import (PostgresDb, audit, compare_alarms, die_with_us, free_port, log, open_alarms, print_summary,
                         wait_until_stored)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "chaos-throwaway"
INGEST_INSTANCES = 3


class PostgresPair:
    """A primary and its synchronous standby, each our child (SIGKILLed by the kernel if we die).
    With `standby=False` the primary alone (scripts/province)."""

    def __init__(self, workdir, standby=True):
        self.with_standby = standby
        versions = sorted((int(v) for v in os.listdir("/usr/lib/postgresql") if v.isdigit()), reverse=True)
        self.bin = os.environ.get("BK_PG_BIN") or next(
            f"/usr/lib/postgresql/{v}/bin" for v in versions if os.path.exists(f"/usr/lib/postgresql/{v}/bin/initdb"))
        self.dir = os.path.join(workdir, "pg")
        os.makedirs(self.dir)
        self.run_as = []
        if os.geteuid() == 0:  # PostgreSQL refuses root: run it as `postgres`, which owns its directory
            self.run_as = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
            shutil.chown(self.dir, "postgres", "postgres")
        self.servers = {}  # name -> (port, Popen)
        self.primary = "primary"

    def command(self, program, arguments, pdeathsig=False):
        if not self.run_as:
            return [os.path.join(self.bin, program), *arguments]
        return [*self.run_as, *(["--pdeathsig=KILL"] if pdeathsig else []), "--", os.path.join(self.bin, program),
                *arguments]

    def tool(self, program, arguments):
        run = subprocess.run(self.command(program, arguments), capture_output=True, text=True, cwd=self.dir)
        if run.returncode != 0:
            raise RuntimeError(f"{program} {' '.join(arguments)}: {run.stderr}{run.stdout}")
        return run.stdout

    def socket_dir(self, name):
        return os.path.join(self.dir, name)

    def start(self):
        pwfile = os.path.join(self.dir, "pwfile")
        with open(pwfile, "w") as f:
            f.write(PASSWORD)
        if self.run_as:
            shutil.chown(pwfile, "postgres", "postgres")
        self.tool("initdb", ["-D", os.path.join(self.dir, "primary"), "-U", "postgres", f"--pwfile={pwfile}",
                             "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale",
                             "--no-sync", "--no-instructions"])
        self.launch("primary")
        if not self.with_standby:
            self.psql("primary", "CREATE DATABASE bk")
            return
        self.tool("pg_basebackup", ["-D", os.path.join(self.dir, "standby"), "-R", "-X", "stream", "--no-sync",
                                    "-h", self.socket_dir("primary"), "-p", str(self.servers["primary"][0]),
                                    "-U", "postgres"])
        auto = os.path.join(self.dir, "standby", "postgresql.auto.conf")
        line = [l for l in open(auto).read().splitlines() if l.startswith("primary_conninfo = '")][-1]
        with open(auto, "a") as f:  # what synchronous_standby_names matches
            f.write(line[:-1] + " application_name=bk_standby'\n")
        self.launch("standby")
        self.psql("primary", "ALTER SYSTEM SET synchronous_standby_names = 'bk_standby'")
        self.psql("primary", "SELECT pg_reload_conf()")
        deadline = time.time() + 60
        while self.psql("primary", "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'bk_standby'") != "sync":
            if time.time() > deadline:
                raise RuntimeError("the standby did not become synchronous in 60 s")
            time.sleep(0.2)
        self.psql("primary", "CREATE DATABASE bk")

    def launch(self, name):
        for _ in range(3):  # a free port can be taken between the probe and the bind
            port = free_port()
            out = open(os.path.join(self.dir, f"{name}.log"), "a")
            process = subprocess.Popen(self.command("postgres", [
                "-D", os.path.join(self.dir, name), "-p", str(port), "-k", self.socket_dir(name),
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off",
                "-c", "shared_buffers=32MB", "-c", "max_connections=600", "-c", "log_min_messages=warning"],
                pdeathsig=True), stdout=out, stderr=subprocess.STDOUT, preexec_fn=die_with_us)
            out.close()
            deadline = time.time() + 60
            while time.time() < deadline and process.poll() is None:
                ready = subprocess.run([os.path.join(self.bin, "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)])
                if ready.returncode == 0:
                    self.servers[name] = (port, process)
                    return
                time.sleep(0.1)
            if process.poll() is None:
                process.kill()
        raise RuntimeError(f"postgres {name} did not start; see {self.dir}/{name}.log")

    def psql(self, name, sql, database="postgres"):
        run = subprocess.run([os.path.join(self.bin, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                              "-h", self.socket_dir(name), "-p", str(self.servers[name][0]), "-U", "postgres",
                              "-d", database, "-c", sql], capture_output=True, text=True, timeout=60)
        if run.returncode != 0:
            raise RuntimeError(f"psql {sql}: {run.stderr}")
        return run.stdout.strip()

    @property
    def ports(self):
        return [self.servers[name][0] for name in ("primary", "standby") if name in self.servers]

    @property
    def password_file(self):
        return os.path.join(self.dir, "pwfile")

    def url(self):
        hosts = ",".join(f"127.0.0.1:{p}" for p in self.ports)
        return f"postgres://postgres@{hosts}/bk?sslmode=disable&target_session_attrs=read-write"

    def db(self):
        return PostgresDb(os.path.join(self.bin, "psql"), ["127.0.0.1", "127.0.0.1"], self.ports, "bk", PASSWORD)

    def kill_primary_and_promote(self, down):
        """The primary's machine dies (its postmaster SIGKILLed, never started again); after `down`
        seconds the operator promotes the standby. Returns (killed, promoted) wall times."""
        sync = self.psql("primary", "SELECT sync_state FROM pg_stat_replication")
        process = self.servers["primary"][1]
        killed = time.time()
        process.send_signal(signal.SIGKILL)
        process.wait()
        time.sleep(down)
        answer = self.psql("standby", "SELECT pg_promote(true, 60)")
        if answer != "t":
            raise RuntimeError(f"pg_promote answered {answer}")
        self.primary = "standby"
        return killed, time.time(), sync

    def stop(self):
        for _, process in self.servers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGQUIT)  # immediate shutdown
        for _, process in self.servers.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def subscribed_sites(cluster_dir):
    """The sites whose shard session has its QoS 1 subscription in place, from NATS's monitoring
    (`/jsz`) of a node that answers. NATS makes each subscription of a persistent session a
    JetStream consumer, created at about two a second; until a site's exists, what its devices
    publish is kept for no session and never reaches the gateway. None if no node answers."""
    try:
        nodes = json.load(open(os.path.join(cluster_dir, "cluster.json")))["nodes"]
    except (OSError, ValueError, KeyError):
        return None
    prefix = "$MQTT.msgs.bk.v1."
    sites, answered = set(), False
    for node in nodes:  # every node's view: one busy electing may list fewer consumers
        url = (f"http://127.0.0.1:{node['ports']['HTTP_PORT']}/jsz?accounts=true&streams=true&consumers=true"
               "&config=true&limit=100000")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                state = json.load(response)
        except (OSError, ValueError):
            continue
        answered = True
        for account in state.get("account_details") or []:
            for stream in account.get("stream_detail") or []:
                for consumer in stream.get("consumer_detail") or []:
                    subject = consumer.get("config", {}).get("filter_subject", "")
                    if subject.startswith(prefix) and subject.endswith(".*.*"):  # bk/v1/<site>/+/+
                        sites.add(subject[len(prefix):-4])
    return sites if answered else None


class BrokerCluster:
    """scripts/broker-cluster run as our child: its nodes and haproxy die with it."""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "broker")
        self.script = os.path.join(ROOT, "scripts", "broker-cluster")
        self.process = None
        self.url = None

    def start(self):
        out = open(os.path.join(self.dir + ".log"), "w")
        self.process = subprocess.Popen([sys.executable, self.script, "run", "--kind", "nats", "--dir", self.dir],
                                        stdout=out, stderr=subprocess.STDOUT, preexec_fn=die_with_us)
        deadline = time.time() + 300
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"broker-cluster exited ({self.process.returncode}); see {self.dir}.log")
            try:
                state = json.load(open(os.path.join(self.dir, "cluster.json")))
                if state.get("ready"):
                    self.url = state["url"]
                    return
            except (OSError, ValueError):
                pass
            time.sleep(0.3)
        raise RuntimeError("broker cluster not ready in 300 s")

    def kill_node(self, node, down):
        subprocess.run([sys.executable, self.script, "kill-node", str(node), "--down", f"{down:.1f}", "--dir", self.dir],
                       check=True, capture_output=True)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Ingest:
    """One `serve --role ingest` instance; each start is a new process, so a new lease owner."""

    def __init__(self, index, binary, workdir, common):
        self.index = index
        self.workdir = workdir
        self.args = [binary, "serve", "--role", "ingest", *common,
                     "--data-dir", os.path.join(workdir, f"data-ingest-{index}")]
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        out = open(os.path.join(self.workdir, f"ingest-{self.index}-{self.starts}.log"), "w")
        self.process = subprocess.Popen(self.args, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                        preexec_fn=die_with_us)
        out.close()

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()


def assign_shards(registry, count):
    """Gives the sites `shard: s<i>` round robin, so the fleet spreads over more shards than the
    chaos fleet's three counties and every instance holds several."""
    out, in_sites, index, shards = [], False, 0, {}
    for line in registry.splitlines():
        if line == "sites:":
            in_sites = True
        elif line == "devices:":
            in_sites = False
        elif in_sites and line.startswith("  - {id: "):
            shard = f"s{index % count}"
            site = line.split("id: ", 1)[1].split(",", 1)[0].strip('"')
            shards.setdefault(shard, set()).add(site)
            line = line.replace("  - {", f"  - {{shard: {shard}, ", 1)
            index += 1
        out.append(line)
    return "\n".join(out) + "\n", shards


class Takeover(threading.Thread):
    """Measures one ingest SIGKILL's takeover: until every shard the killed process held is leased
    live by another owner, then until each of those shards' sites has a device seen after the kill."""

    def __init__(self, db, pid, held, sites_of, killed_at):
        super().__init__(daemon=True)
        self.db, self.pid, self.held, self.sites_of, self.killed_at = db, pid, held, sites_of, killed_at
        self.leased_s = None
        self.updating_s = None

    def run(self):
        deadline = self.killed_at + 120
        shards = ",".join(f"'{s}'" for s in self.held)
        while self.held and time.time() < deadline:
            try:
                rows = self.db.rows(f"SELECT shard, owner, expires_at >= now() FROM shard_leases WHERE shard IN ({shards})")
                if len(rows) == len(self.held) and all(
                        owner and f"-{self.pid}-" not in owner and live == "t" for _, owner, live in rows):
                    self.leased_s = time.time() - self.killed_at
                    break
            except RuntimeError:
                pass  # the primary may be down just now
            time.sleep(0.25)
        sites = set().union(*(self.sites_of[s] for s in self.held)) if self.held else set()
        names = ",".join(f"'{s}'" for s in sites)
        killed_ms = int(self.killed_at * 1000)
        while sites and self.leased_s is not None and time.time() < deadline:
            try:
                rows = self.db.rows(f"SELECT site, max(last_seen_ms) FROM device WHERE site IN ({names}) GROUP BY site")
                if len(rows) == len(sites) and all(seen and int(seen) > killed_ms for _, seen in rows):
                    self.updating_s = time.time() - self.killed_at
                    break
            except RuntimeError:
                pass
            time.sleep(0.25)


def percentile_50(values):
    return f"{statistics.median(values):.1f} s" if values else "-"


def run(args, seed, rng, binary, fleet_args, broker_class, gateway_class, seed_batches, rules_text, renotify_ms):
    workdir = tempfile.mkdtemp(prefix="bk-chaos-cluster-")
    os.chmod(workdir, 0o755)  # the postgres user reaches its own directory inside
    log(f"work directory {workdir}")
    pg = PostgresPair(workdir)
    brokers = BrokerCluster(workdir)
    instances = []
    simulator = None
    seeding_broker = None
    seeding = None
    takeovers = []
    started = time.time()
    try:
        registry, sites_of = assign_shards(subprocess.run([binary, "simulate", *fleet_args, "--print-registry"],
                                                          cwd=ROOT, check=True, capture_output=True, text=True).stdout,
                                           args.shards)
        with open(os.path.join(workdir, "registry.yaml"), "w") as f:
            f.write(registry)
        with open(os.path.join(workdir, "rules.yaml"), "w") as f:
            f.write(rules_text)
        password_file = os.path.join(workdir, "db-password")
        with open(password_file, "w") as f:
            f.write(PASSWORD)
        os.chmod(password_file, 0o600)
        os.environ["BK_DATABASE_PASSWORD_FILE"] = password_file  # serve, tokens (seed_batches)
        log("starting PostgreSQL: a primary and its synchronous standby")
        pg.start()
        db = pg.db()
        log("starting the 3-node NATS cluster behind haproxy")
        brokers.start()
        log(f"broker {brokers.url}")
        keys = os.path.join(workdir, "ticket-keys")
        # The batches the scales sell from go in through the HTTP API of a one-off full `serve` on
        # a private mosquitto (ingest instances serve no HTTP); it also migrates and writes the keyring.
        seeding_broker = broker_class(workdir, free_port())
        seeding_broker.start()
        seeding = gateway_class(workdir, seeding_broker.port, free_port(), database=pg.url(),
                                extra=["--ticket-keys", keys])
        seeding.start()
        seed_batches(workdir, seeding)
        seeding.stop()
        seeding_broker.stop()
        common = ["--allow-loopback-public-url", "--config", os.path.join(workdir, "registry.yaml"),
                  "--broker", brokers.url, "--database", pg.url(), "--ticket-keys", keys,
                  "--rules", os.path.join(workdir, "rules.yaml"), "--log-level", "notice"]
        instances = [Ingest(i + 1, binary, workdir, common) for i in range(INGEST_INSTANCES)]
        for instance in instances:
            instance.start()
        log(f"{INGEST_INSTANCES} ingest instances for {len(sites_of)} shards; waiting for every shard to be leased")
        deadline = time.time() + 120
        while True:
            rows = db.rows("SELECT count(*) FROM shard_leases WHERE owner IS NOT NULL AND expires_at >= now()")
            if int(rows[0][0]) == len(sites_of):
                t_subscribe = time.time()
                break
            if time.time() > deadline:
                raise RuntimeError("the ingest instances did not lease every shard in 120 s")
            time.sleep(0.5)
        # Leased is not subscribed: the fleet starts once every site's subscription exists in NATS.
        wanted = {site for sites in sites_of.values() for site in sites}
        deadline = time.time() + 300
        while not wanted <= (subscribed := subscribed_sites(brokers.dir) or set()):
            if time.time() > deadline:
                missing = sorted(wanted - subscribed)
                raise RuntimeError(f"{len(missing)} sites not subscribed in NATS after 300 s: {', '.join(missing[:10])}")
            time.sleep(1)
        log(f"every site's subscription is in place ({len(wanted)} sites, {time.time() - t_subscribe:.1f} s after the leases)")
        ledger = os.path.join(workdir, "sent.tsv")
        # The devices outlive the run as real ones do: they stop making messages but stay connected
        # `--linger` seconds, answering replays a broker that is behind delivers late.
        simulator = subprocess.Popen([binary, "simulate", "--broker", brokers.url, *fleet_args, "--sent-log", ledger,
                                      "--linger", str(args.linger)],
                                     cwd=ROOT, stdout=open(os.path.join(workdir, "simulator.log"), "w"),
                                     stderr=subprocess.STDOUT, preexec_fn=die_with_us)

        events = ["ingest"] * args.kills + ["node"] * args.node_kills + ["postgres"] * args.pg_kills
        rng.shuffle(events)
        # Faults between 15 s and the last 35 s, at least --gap apart (a takeover each): random
        # moments in the window less the gaps, each then pushed back by the gaps before it.
        slack = args.seconds - 50 - (len(events) - 1) * args.gap
        times = [15 + t + i * args.gap for i, t in enumerate(sorted(rng.uniform(0, slack) for _ in events))]
        violations = []
        alarm_checks = alarms_carried = 0
        pg_figures = {}
        t0 = time.time()
        for at, kind in zip(times, events):
            time.sleep(max(0, t0 + at - time.time()))
            if kind == "ingest":
                holders = {pid: [s for s, owner in rows_of_leases(db) if owner and f"-{pid}-" in owner]
                           for pid in (i.process.pid for i in instances)}
                candidates = [i for i in instances if holders[i.process.pid]] or instances
                victim = rng.choice(candidates)
                held = holders[victim.process.pid]
                before = open_alarms(db)
                killed_at = time.time()
                victim.kill()
                down = rng.uniform(0.5, 3.0)
                log(f"t+{killed_at - t0:5.1f}s SIGKILL ingest {victim.index} (pid {victim.process.pid}, shards "
                    f"{','.join(sorted(held)) or 'none'}, {len(before)} open alarms), restart in {down:.1f} s")
                measure = Takeover(db, victim.process.pid, held, sites_of, killed_at)
                measure.start()
                takeovers.append(measure)
                time.sleep(down)
                victim.start()
                measure.join(timeout=max(0, args.gap - down - 1))
                compare_alarms(before, db, violations)
                alarm_checks += 1
                alarms_carried += len(before)
            elif kind == "node":
                node = rng.randint(1, 3)
                down = rng.uniform(2.0, 6.0)
                log(f"t+{time.time() - t0:5.1f}s SIGKILL broker node {node}, back in {down:.1f} s")
                brokers.kill_node(node, down)
            else:
                before = open_alarms(db)
                down = rng.uniform(1.0, 3.0)
                log(f"t+{time.time() - t0:5.1f}s SIGKILL the PostgreSQL primary ({len(before)} open alarms), "
                    f"promote the standby after {down:.1f} s")
                killed, promoted, sync = pg.kill_primary_and_promote(down)
                first = wait_for_commit(db, promoted)
                pg_figures = {"standby before the kill": sync, "primary killed → promoted": f"{promoted - killed:.1f} s",
                              "killed → first new reading committed": f"{first - killed:.1f} s" if first else "none in 120 s"}
                log(f"t+{time.time() - t0:5.1f}s promoted; first commit after the promotion "
                    f"{pg_figures['killed → first new reading committed']} after the kill")
                compare_alarms(before, db, violations)
                alarm_checks += 1
                alarms_carried += len(before)
        time.sleep(max(0, t0 + args.seconds - time.time()))

        log(f"stopping the fleet: no new messages; the devices answer replays {args.linger} s more")
        simulator.send_signal(signal.SIGTERM)
        simulator.wait(timeout=args.linger + 120)
        if simulator.returncode != 0:
            raise RuntimeError(f"simulator exited with {simulator.returncode}; see simulator.log")
        expected = sum(1 for line in open(ledger) if line.startswith("sent\t"))
        log(f"fleet recorded {expected} messages; waiting for the ingest instances to store them")
        # Longer than the single run: NATS redelivers only after ack_wait, replays follow gaps.
        wait_until_stored(db, expected, timeout=300, stall=60)
        now_ms = int(time.time() * 1000)
        for instance in instances:
            instance.stop()
        brokers.stop()
        for measure in takeovers:
            measure.join(timeout=1)
        figures, audit_violations = audit(db, ledger, renotify_ms, now_ms)
        violations += audit_violations
        leased = [m.leased_s for m in takeovers if m.leased_s is not None]
        updating = [m.updating_s for m in takeovers if m.updating_s is not None]
        unmeasured = sum(1 for m in takeovers if m.held and m.updating_s is None)
        if unmeasured:
            violations.append(f"{unmeasured} ingest kill(s) whose shards were not leased and updating again in 120 s")
        sent_seconds = max(1, args.seconds)
        rows = [("seed", seed), ("run (fleet) seconds", args.seconds), ("wall seconds", round(time.time() - started)),
                ("load average at the end", " ".join(f"{x:.1f}" for x in os.getloadavg())),
                ("shards / ingest instances", f"{len(sites_of)} / {INGEST_INSTANCES}"),
                ("ingest SIGKILLs", args.kills), ("broker node SIGKILLs", args.node_kills),
                ("PostgreSQL primary SIGKILLs", args.pg_kills), *pg_figures.items(),
                ("takeover: shards leased again p50 / max",
                 f"{percentile_50(leased)} / {max(leased):.1f} s" if leased else "-"),
                ("takeover: sites updating again p50 / max",
                 f"{percentile_50(updating)} / {max(updating):.1f} s" if updating else "-"),
                ("takeovers (each kill)", ", ".join(f"{m.leased_s or 0:.1f}/{m.updating_s or 0:.1f}" for m in takeovers)),
                ("messages per second (ledger / run)", round(figures.get("messages sent (ledger)", 0) / sent_seconds)),
                ("alarm snapshots compared", alarm_checks), ("open alarms carried across kills", alarms_carried),
                *figures.items(), ("violations", len(violations))]
        rows += diagnostics(workdir)
        print_summary("Cluster chaos run", rows, violations, workdir)
        return 1 if violations else 0
    finally:
        if simulator and simulator.poll() is None:
            simulator.kill()
        for instance in instances:
            if instance.process and instance.process.poll() is None:
                instance.process.kill()
        for process in (seeding and seeding.process, seeding_broker and seeding_broker.process):
            if process and process.poll() is None:
                process.kill()
        brokers.stop()
        pg.stop()
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def diagnostics(workdir):
    """What the logs say about the broker and the fleet: evidence for a failed audit."""
    out = []
    simulator = open(os.path.join(workdir, "simulator.log"), errors="replace").read()
    last = [l for l in simulator.splitlines() if "ledger written" in l]
    if last:
        fields = dict(f.split("=", 1) for f in last[-1].split() if "=" in f and f.split("=", 1)[0] in
                      ("published", "unsent", "replayed", "tickets"))
        out.append(("simulator: published / unsent (not on the wire when made) / replayed",
                    f"{fields.get('published')} / {fields.get('unsent')} / {fields.get('replayed')}"))
    out.append(("simulator: subscriptions refused by the broker", simulator.count("refused a subscription")))
    nats = "".join(open(f, errors="replace").read() for f in glob.glob(os.path.join(workdir, "broker", "node*", "nats.log")))
    out.append(("NATS: [ERR] lines / 'Readloop processing time' warnings / JetStream unavailable",
                f"{nats.count('[ERR]')} / {nats.count('Readloop processing time')} / "
                f"{nats.count('JetStream system temporarily unavailable')}"))
    ingest = "".join(open(f, errors="replace").read() for f in glob.glob(os.path.join(workdir, "ingest-*.log")))
    out.append(("ingest: shards taken / leases lost / given up for the broker",
                f"{ingest.count('shard taken')} / {ingest.count('shard lease lost')} / "
                f"{ingest.count('giving the shard up')}"))
    return out


def rows_of_leases(db):
    return [(shard, owner) for shard, owner in db.rows(
        "SELECT shard, owner FROM shard_leases WHERE owner IS NOT NULL AND expires_at >= now()")]


def wait_for_commit(db, since, timeout=120):
    """The wall time the first reading received after `since` is seen committed (None if none)."""
    since_ms = int(since * 1000)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if db.rows(f"SELECT 1 FROM device WHERE last_seen_ms > {since_ms} LIMIT 1"):
                return time.time()
        except RuntimeError:
            pass
        time.sleep(0.25)
    return None
