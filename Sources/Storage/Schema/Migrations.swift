import GRDB
import StorageModel

/// Named, append-only migrations: a shipped migration is never edited, a new one is added.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core") { db in
            // One row per device ever seen: the durable half of the state model.
            try db.execute(sql: """
                CREATE TABLE device (
                    id INTEGER PRIMARY KEY,
                    site TEXT NOT NULL,
                    device TEXT NOT NULL,
                    kind TEXT,
                    model TEXT,
                    firmware TEXT,
                    interval_s INTEGER,
                    replay_buffer INTEGER,
                    boot INTEGER,
                    last_seq INTEGER,
                    online INTEGER NOT NULL DEFAULT 0,
                    online_changed_ms INTEGER,
                    last_seen_ms INTEGER,
                    last_reading_ts_ms INTEGER,
                    last_reading_received_ms INTEGER,
                    last_reading TEXT,
                    lost_count INTEGER NOT NULL DEFAULT 0,
                    UNIQUE (site, device)
                )
                """)
            // Raw readings, idempotent on (device, boot, seq). Thermo values get columns,
            // other kinds keep their reading as JSON.
            try db.execute(sql: """
                CREATE TABLE reading (
                    device_id INTEGER NOT NULL,
                    boot INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    ts_ms INTEGER NOT NULL,
                    received_ms INTEGER NOT NULL,
                    t REAL,
                    rh REAL,
                    bat REAL,
                    data TEXT,
                    PRIMARY KEY (device_id, boot, seq)
                ) WITHOUT ROWID
                """)
            try db.execute(sql: "CREATE INDEX reading_by_time ON reading (device_id, ts_ms)")
            try db.execute(sql: """
                CREATE TABLE event (
                    device_id INTEGER NOT NULL,
                    boot INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    ts_ms INTEGER NOT NULL,
                    received_ms INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (device_id, boot, seq)
                ) WITHOUT ROWID
                """)
            try db.execute(sql: "CREATE INDEX event_by_time ON event (device_id, ts_ms)")
            // Hourly min/max/sum/count per metric, kept long after raw readings expire.
            try db.execute(sql: """
                CREATE TABLE rollup_hourly (
                    device_id INTEGER NOT NULL,
                    metric TEXT NOT NULL,
                    hour INTEGER NOT NULL,
                    min REAL NOT NULL,
                    max REAL NOT NULL,
                    sum REAL NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (device_id, metric, hour)
                ) WITHOUT ROWID
                """)
            try db.execute(sql: "CREATE INDEX rollup_by_hour ON rollup_hourly (hour)")
            // Sequence holes waiting for a device replay; they survive a restart.
            try db.execute(sql: """
                CREATE TABLE seq_gap (
                    device_id INTEGER NOT NULL,
                    boot INTEGER NOT NULL,
                    first_seq INTEGER NOT NULL,
                    last_seq INTEGER NOT NULL,
                    opened_ms INTEGER NOT NULL,
                    PRIMARY KEY (device_id, boot, first_seq)
                ) WITHOUT ROWID
                """)
            // Dead letters: bounded, newest kept.
            try db.execute(sql: """
                CREATE TABLE reject (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at_ms INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    topic TEXT NOT NULL,
                    message TEXT NOT NULL,
                    payload_size INTEGER NOT NULL,
                    payload BLOB NOT NULL
                )
                """)
            try db.execute(sql: "CREATE INDEX reject_by_reason ON reject (reason, id)")
            try db.execute(sql: """
                CREATE TABLE api_token (
                    id INTEGER PRIMARY KEY,
                    hash TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL,
                    scope TEXT,
                    label TEXT,
                    created_ms INTEGER NOT NULL,
                    revoked_ms INTEGER
                )
                """)
            try db.execute(sql: """
                CREATE TABLE provisioned_device (
                    site TEXT NOT NULL,
                    device TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    created_ms INTEGER NOT NULL,
                    PRIMARY KEY (site, device)
                ) WITHOUT ROWID
                """)
            try db.execute(sql: "CREATE TABLE gateway_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
        }
        migrator.registerMigration("v2-outbox") { db in
            // Messages to deliver outside the process (webhooks), written in the same transaction
            // as the change they announce, deleted once delivered: a restart or a receiver
            // outage delays them, never loses them.
            try db.execute(sql: """
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    target TEXT NOT NULL,
                    body BLOB NOT NULL,
                    created_ms INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_ms INTEGER NOT NULL,
                    last_error TEXT
                )
                """)
            try db.execute(sql: "CREATE INDEX outbox_due ON outbox (next_attempt_ms)")
        }
        migrator.registerMigration("v3-alarms") { db in
            // One row per alarm, its full record as JSON plus the columns the API filters on.
            try db.execute(sql: """
                CREATE TABLE alarm (
                    id TEXT PRIMARY KEY,
                    identity TEXT NOT NULL,
                    site TEXT NOT NULL,
                    region TEXT NOT NULL,
                    device TEXT,
                    kind TEXT NOT NULL,
                    class INTEGER,
                    state TEXT NOT NULL,
                    card TEXT NOT NULL,
                    raised_ms INTEGER NOT NULL,
                    updated_ms INTEGER NOT NULL,
                    record TEXT NOT NULL
                ) WITHOUT ROWID
                """)
            try db.execute(sql: "CREATE INDEX alarm_by_site ON alarm (site, raised_ms)")
            try db.execute(sql: "CREATE INDEX alarm_by_region ON alarm (region, raised_ms)")
            try db.execute(sql: "CREATE INDEX alarm_open ON alarm (state, identity)")
            // The audit trail: append-only, never updated or deleted while the alarm is kept.
            try db.execute(sql: """
                CREATE TABLE alarm_transition (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    alarm_id TEXT NOT NULL,
                    at_ms INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    actor TEXT,
                    note TEXT,
                    body TEXT NOT NULL
                )
                """)
            try db.execute(sql: "CREATE INDEX transition_by_alarm ON alarm_transition (alarm_id, id)")
            // Rule state per device (excursion timers, incident windows, schedules) as JSON,
            // so delays and deadlines survive a restart.
            try db.execute(sql: """
                CREATE TABLE rule_state (
                    site TEXT NOT NULL,
                    device TEXT NOT NULL,
                    state TEXT NOT NULL,
                    updated_ms INTEGER NOT NULL,
                    PRIMARY KEY (site, device)
                ) WITHOUT ROWID
                """)
        }
        migrator.registerMigration("v4-disinfection-ledger") { db in
            // Every disinfection run, scheduled or not, with its verdict: the site's ledger.
            try db.execute(sql: """
                CREATE TABLE disinfection_ledger (
                    site TEXT NOT NULL,
                    device TEXT NOT NULL,
                    start_ms INTEGER NOT NULL,
                    end_ms INTEGER NOT NULL,
                    mode TEXT NOT NULL,
                    passed INTEGER NOT NULL,
                    scheduled_ms INTEGER,
                    entry TEXT NOT NULL,
                    PRIMARY KEY (site, device, start_ms)
                ) WITHOUT ROWID
                """)
        }
        migrator.registerMigration("v5-traceability") { db in
            // 进货查验: one row per batch, its current state; every change is also in batch_history.
            try db.execute(sql: """
                CREATE TABLE batch (
                    id TEXT PRIMARY KEY,
                    site TEXT NOT NULL,
                    stall TEXT,
                    gtin TEXT,
                    lot TEXT,
                    recalled INTEGER NOT NULL DEFAULT 0,
                    created_ms INTEGER NOT NULL,
                    updated_ms INTEGER NOT NULL,
                    body TEXT NOT NULL
                )
                """)
            try db.execute(sql: "CREATE INDEX batch_by_site ON batch (site, created_ms)")
            try db.execute(sql: "CREATE INDEX batch_by_gtin ON batch (gtin, lot) WHERE gtin IS NOT NULL")
            // Append-only: created, reinspected, recalled, with who and the batch as it became.
            try db.execute(sql: """
                CREATE TABLE batch_history (
                    batch TEXT NOT NULL,
                    at_ms INTEGER NOT NULL,
                    change TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    body TEXT NOT NULL
                )
                """)
            try db.execute(sql: "CREATE INDEX batch_history_by_batch ON batch_history (batch, at_ms)")
            // One row per sale. (scale, req) makes a retried weighing find its ticket again.
            try db.execute(sql: """
                CREATE TABLE ticket (
                    id INTEGER PRIMARY KEY,
                    code TEXT NOT NULL UNIQUE,
                    trace_no TEXT NOT NULL UNIQUE,
                    key_id TEXT NOT NULL,
                    site TEXT NOT NULL,
                    device TEXT NOT NULL,
                    req TEXT NOT NULL,
                    stall TEXT NOT NULL,
                    batch TEXT NOT NULL,
                    plu TEXT NOT NULL,
                    item TEXT NOT NULL,
                    grams INTEGER NOT NULL,
                    unit_price_fen INTEGER NOT NULL,
                    total_fen INTEGER NOT NULL,
                    issued_ms INTEGER NOT NULL,
                    UNIQUE (site, device, req)
                )
                """)
            try db.execute(sql: "CREATE INDEX ticket_by_batch ON ticket (batch, stall)")
            try db.execute(sql: "CREATE INDEX ticket_by_site_time ON ticket (site, issued_ms)")
        }
        migrator.registerMigration("v6-unmapped-sources") { db in
            // Third-party sources no registry device binds, for `brightkitchen devices unmapped`:
            // written by the gateway's maintenance tick, read by the CLI in another process.
            try db.execute(sql: """
                CREATE TABLE unmapped_source (
                    family TEXT NOT NULL,
                    source_id TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    first_seen_ms INTEGER NOT NULL,
                    last_seen_ms INTEGER NOT NULL,
                    PRIMARY KEY (family, source_id)
                ) WITHOUT ROWID
                """)
        }
        migrator.registerMigration("v6-evidence") { db in
            // Camera evidence kept with its alarm: the device's original JPEG untouched and a
            // thumbnail with the detection box. Deleted with the alarm (Retention).
            try db.execute(sql: """
                CREATE TABLE evidence (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    alarm_id TEXT NOT NULL,
                    site TEXT NOT NULL,
                    device TEXT NOT NULL,
                    snapshot TEXT NOT NULL,
                    source TEXT NOT NULL,
                    label TEXT NOT NULL,
                    score REAL NOT NULL,
                    box TEXT,
                    at_ms INTEGER NOT NULL,
                    stored_ms INTEGER NOT NULL,
                    original BLOB NOT NULL,
                    original_width INTEGER NOT NULL,
                    original_height INTEGER NOT NULL,
                    thumbnail BLOB NOT NULL,
                    thumbnail_width INTEGER NOT NULL,
                    thumbnail_height INTEGER NOT NULL
                )
                """)
            try db.execute(sql: "CREATE INDEX evidence_by_alarm ON evidence (alarm_id, id)")
        }
        migrator.registerMigration("v7-dashboard-sessions") { db in
            // The dashboard's sign-ins, each bound to the API token that opened it: only a hash
            // of the session id is kept, and deleting the token deletes its sessions.
            try db.execute(sql: """
                CREATE TABLE dashboard_session (
                    hash TEXT PRIMARY KEY NOT NULL,
                    token_id INTEGER NOT NULL REFERENCES api_token(id) ON DELETE CASCADE,
                    created_ms INTEGER NOT NULL,
                    seen_ms INTEGER NOT NULL,
                    expires_ms INTEGER NOT NULL
                ) WITHOUT ROWID
                """)
            try db.execute(sql: "CREATE INDEX dashboard_session_by_token ON dashboard_session (token_id)")
        }
        migrator.registerMigration("v8-sequence-previous-boot") { db in
            // SequenceTracker's memory of the previous boot, durable across gateway restarts.
            try db.execute(sql: "ALTER TABLE device ADD COLUMN previous_boot INTEGER")
            try db.execute(sql: "ALTER TABLE device ADD COLUMN previous_last_seq INTEGER")
        }
        migrator.registerMigration("v9-ticket-key-fingerprints") { db in
            // One row per key id that signed a ticket in this store, written with its first ticket:
            // a later start whose keyring lacks the id or holds another secret under it is refused
            // (docs/ticket-codes.md). The fingerprint names the secret; the secret is never stored.
            try db.execute(sql: """
                CREATE TABLE ticket_key (
                    key_id TEXT PRIMARY KEY,
                    fingerprint TEXT NOT NULL,
                    first_signed_ms INTEGER NOT NULL
                ) WITHOUT ROWID
                """)
        }
        migrator.registerMigration("v10-ledgers") { db in
            // Kitchen ledgers (docs/ledgers.md): one hash chain per site over every ledger kind, and
            // each day's signed head. Triggers refuse any UPDATE or DELETE of an entry, and any
            // move of a head other than forward, whoever asks: corrections are new entries.
            try db.execute(sql: """
                CREATE TABLE ledger_entry (
                    site TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    at_ms INTEGER NOT NULL,
                    recorded_ms INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    corrects INTEGER,
                    body TEXT NOT NULL,
                    prev TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    PRIMARY KEY (site, seq)
                ) WITHOUT ROWID
                """)
            try db.execute(sql: "CREATE INDEX ledger_entry_by_time ON ledger_entry (site, at_ms)")
            try db.execute(sql: "CREATE INDEX ledger_entry_by_kind ON ledger_entry (site, kind, seq)")
            try db.execute(sql: """
                CREATE TABLE ledger_head (
                    site TEXT NOT NULL,
                    day TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    hash TEXT NOT NULL,
                    key_id TEXT NOT NULL,
                    signature TEXT NOT NULL,
                    PRIMARY KEY (site, day)
                ) WITHOUT ROWID
                """)
            try db.execute(sql: """
                CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry
                BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: record a correction instead'); END
                """)
            try db.execute(sql: """
                CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry
                BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: record a correction instead'); END
                """)
            try db.execute(sql: """
                CREATE TRIGGER ledger_head_forward_only BEFORE UPDATE ON ledger_head WHEN NEW.seq <= OLD.seq
                  OR NEW.site <> OLD.site OR NEW.day <> OLD.day
                BEGIN SELECT RAISE(ABORT, 'a ledger day head only moves forward'); END
                """)
            try db.execute(sql: """
                CREATE TRIGGER ledger_head_no_delete BEFORE DELETE ON ledger_head
                BEGIN SELECT RAISE(ABORT, 'ledger day heads are never deleted'); END
                """)
        }
        migrator.registerMigration("v13-complaints") { db in
            try FeedbackSchema.create(db)
        }
        migrator.registerMigration("v15-grades") { db in try OpenKitchenSchema.createGrades(db) }
        migrator.registerMigration("v16-markets") { db in try OpenKitchenSchema.createMarketRecords(db) }
        return migrator
    }
}
