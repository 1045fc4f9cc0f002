/// Migration "v7-shard-leases" (PostgreSQL only: shards exist only for `serve --role ingest` on a
/// shared PostgreSQL). One row per shard: who holds it, until when by the database's clock, and the
/// fencing epoch, raised at every change of owner. `ingest_member` is each running ingest instance's
/// heartbeat, from which an instance computes its fair share of the shards, and whether its MQTT
/// sessions are up (an instance cut off from the broker hands its shards only to one that is not).
enum PostgresSchemaShardLeases {
    static let statements: [String] = [
        """
        CREATE TABLE shard_leases (
            shard text PRIMARY KEY,
            owner text,
            epoch bigint NOT NULL DEFAULT 0,
            expires_at timestamptz NOT NULL DEFAULT '-infinity',
            acquired_at timestamptz
        )
        """,
        """
        CREATE TABLE ingest_member (
            owner text PRIMARY KEY,
            expires_at timestamptz NOT NULL,
            reaches_broker boolean NOT NULL DEFAULT true
        )
        """,
    ]
}
