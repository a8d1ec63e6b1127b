import Foundation
import GRDB
import GatewayCore

extension SQLiteAuditStore {
    /// What the store keeps: records younger than `maxAge`, the newest `maxRecords`, and records
    /// whose pages (indexes included) take at most `maxBytes`; the oldest go first.
    public struct Retention: Sendable {
        public var maxAge: Duration?
        public var maxRecords: Int?
        public var maxBytes: Int?

        public init(maxAge: Duration? = nil, maxRecords: Int? = nil, maxBytes: Int? = nil) {
            self.maxAge = maxAge
            self.maxRecords = maxRecords
            self.maxBytes = maxBytes
        }
    }

    /// The last seq to prune so the records' pages fit in `maxBytes`: when the pages in use (the
    /// file less its free pages) exceed it, the oldest share of records that brings them to 90 %
    /// of it (so pruning does not run at every round). Freed pages go to SQLite's free list and
    /// take the next records, so the file stops growing there.
    private static func sizeCutoff(_ maxBytes: Int, db: Database) throws -> Int64 {
        let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let used = (pages - free) * pageSize
        guard used > Int64(maxBytes), let range = try Row.fetchOne(db, sql: "SELECT MIN(seq), MAX(seq) FROM audit"),
            let first = range[0] as Int64?, let last = range[1] as Int64?
        else { return 0 }
        // Only the oldest records are ever deleted, and a rolled-back insert gives its seq back
        // (AUTOINCREMENT's counter rolls back with it): the seqs run without gaps.
        let records = last - first + 1
        let excess = Double(used) - Double(maxBytes) * 0.9
        let share = Int64((Double(records) * excess / Double(used)).rounded(.up))
        return first + min(records, max(1, share)) - 1
    }

    /// Drops records past the retention limits, keeping the last dropped one's hash as the anchor.
    func prune() {
        guard retention.maxAge != nil || retention.maxRecords != nil || retention.maxBytes != nil else { return }
        do {
            try database.write { db in
                var cutoff: Int64 = 0
                if let maxAge = retention.maxAge {
                    let oldest = AuditRecord.formatTime(Date().addingTimeInterval(-Double(maxAge.components.seconds)))
                    cutoff = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM audit WHERE time < ?", arguments: [oldest]) ?? 0
                }
                if let maxRecords = retention.maxRecords {
                    let last = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM audit") ?? 0
                    cutoff = max(cutoff, last - Int64(maxRecords))
                }
                if let maxBytes = retention.maxBytes { cutoff = max(cutoff, try Self.sizeCutoff(maxBytes, db: db)) }
                guard cutoff > 0, let anchor = try String.fetchOne(db, sql: "SELECT hash FROM audit WHERE seq = ?", arguments: [cutoff]) else { return }
                try db.execute(sql: "DELETE FROM audit WHERE seq <= ?", arguments: [cutoff])
                try AuditSchema.setAnchor(db, seq: cutoff, hash: anchor)
            }
        } catch {
            logger.warning("audit retention failed", metadata: ["error": "\(error)"])
        }
    }
}
