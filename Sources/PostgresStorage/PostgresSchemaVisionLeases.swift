/// Migration "v11-vision-leases" (PostgreSQL only, like "v7-shard-leases"): `serve --role vision`
/// workers lease camera groups exactly as ingest instances lease shards (`ShardLeases` with
/// `Tables.vision`), in tables of their own so neither kind of instance counts towards the other's
/// fair share. docs/scale-out.md, "Vision workers".
enum PostgresSchemaVisionLeases {
    static let statements: [String] = [
        """
        CREATE TABLE vision_leases (
            shard text PRIMARY KEY,
            owner text,
            epoch bigint NOT NULL DEFAULT 0,
            expires_at timestamptz NOT NULL DEFAULT '-infinity',
            acquired_at timestamptz
        )
        """,
        """
        CREATE TABLE vision_member (
            owner text PRIMARY KEY,
            expires_at timestamptz NOT NULL,
            reaches_broker boolean NOT NULL DEFAULT true
        )
        """,
    ]
}
