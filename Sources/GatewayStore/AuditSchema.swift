import GRDB

/// The audit tables: `audit` (one row per record, in chain order) and `audit_meta` (the anchor
/// left by retention: the seq and hash of the last pruned record).
enum AuditSchema {
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS audit (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    time TEXT NOT NULL,
                    consumer TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    target TEXT NOT NULL,
                    status TEXT NOT NULL,
                    record TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE INDEX IF NOT EXISTS audit_time ON audit (time);
                CREATE INDEX IF NOT EXISTS audit_consumer ON audit (consumer, time);
                CREATE INDEX IF NOT EXISTS audit_target ON audit (target, time);
                CREATE TABLE IF NOT EXISTS audit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                """
        )
    }

    /// The hash the next record chains to: the last record's, else the anchor, else the genesis.
    static func lastHash(_ db: Database) throws -> String {
        if let hash = try String.fetchOne(db, sql: "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1") { return hash }
        return try anchor(db)?.hash ?? AuditChain.genesis
    }

    static func anchor(_ db: Database) throws -> (seq: Int64, hash: String)? {
        guard let seq = try String.fetchOne(db, sql: "SELECT value FROM audit_meta WHERE key = 'anchor_seq'").flatMap({ Int64($0) }),
            let hash = try String.fetchOne(db, sql: "SELECT value FROM audit_meta WHERE key = 'anchor_hash'")
        else { return nil }
        return (seq, hash)
    }

    static func setAnchor(_ db: Database, seq: Int64, hash: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO audit_meta (key, value) VALUES ('anchor_seq', ?), ('anchor_hash', ?)", arguments: [String(seq), hash])
    }
}
