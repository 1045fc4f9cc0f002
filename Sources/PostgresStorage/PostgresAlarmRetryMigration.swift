/// "v5-alarm-retry": an alarm transition is stored once however often its batch is committed.
/// The alarm committer retries a batch whose COMMIT went unanswered (a primary lost mid-commit,
/// docs/reliability.md), and such a COMMIT may have been kept, on the promoted standby too. Two
/// transitions of one alarm never have the same body (it carries their kind and time), so
/// (alarm, body) identifies one; the index is on the body's md5 to stay small.
enum PostgresAlarmRetryMigration {
    static let statements = [
        // A row identical in every column to an older one says nothing it does not (no code path
        // wrote such rows before, but a unique index must not make an upgrade fail on them).
        """
        DELETE FROM alarm_transition a USING alarm_transition b
        WHERE a.alarm_id = b.alarm_id AND a.body = b.body AND a.at_ms = b.at_ms AND a.kind = b.kind
            AND a.actor IS NOT DISTINCT FROM b.actor AND a.note IS NOT DISTINCT FROM b.note AND a.id > b.id
        """,
        "CREATE UNIQUE INDEX transition_once ON alarm_transition (alarm_id, md5(body))",
    ]
}
