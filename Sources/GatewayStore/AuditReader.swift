import Foundation
import GRDB
import GatewayCore
import MCPCore

/// Reads an audit store for `toolgate audit`: records by filter, one by id, the chain's check.
public struct AuditReader: Sendable {
    /// What `search` (and `export`, `tail`) select; nil fields select everything.
    public struct Filter: Sendable {
        public var consumer: String?
        /// A target, or a prefix ending in `*` (`clinic/*`).
        public var target: String?
        public var kind: String?
        public var status: String?
        /// ISO 8601 times (or date prefixes: `2026-12-06`).
        public var since: String?
        public var until: String?
        /// Text anywhere in the record (payloads included).
        public var text: String?
        public var afterSeq: Int64 = 0
        public var limit: Int?

        public init() {}
    }

    /// One stored record: its place in the chain and its JSON.
    public struct Entry: Sendable {
        public var seq: Int64
        public var record: JSONValue
        public var hash: String
        public var previousHash: String
    }

    /// The first record that breaks the chain.
    public struct Break: Sendable, CustomStringConvertible {
        public var seq: Int64
        public var id: String
        public var reason: String
        public var description: String { "record \(seq) (\(id)): \(reason)" }
    }

    let database: DatabaseQueue
    let chain: AuditChain
    let path: String

    /// Opens the store at `path` for reading (it must exist).
    public init(path: String, chainKey: String? = nil) throws(GatewayError) {
        guard FileManager.default.fileExists(atPath: path) else { throw GatewayError(.notFound, "no audit store at \(path)") }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            database = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw GatewayError(.configuration, "the audit store \(path) cannot be opened: \(error)", underlying: error)
        }
        chain = AuditChain(key: chainKey)
        self.path = path
    }

    /// Records a gateway journaled but had not committed when it stopped without closing the
    /// store (a crash): they are in the store once a gateway opens it again. 0 while a gateway
    /// holds the store.
    public func recordsLeftInJournal() -> Int {
        AuditJournal.recordsLeftBehind(by: path)
    }

    public func entries(_ filter: Filter) throws -> [Entry] {
        var clauses = ["seq > ?"]
        var arguments: [any DatabaseValueConvertible] = [filter.afterSeq]
        if let consumer = filter.consumer { clauses.append("consumer = ?"); arguments.append(consumer) }
        if let target = filter.target {
            if target.hasSuffix("*") {
                clauses.append("target LIKE ? ESCAPE '\\'")
                arguments.append(Self.escapeLike(String(target.dropLast())) + "%")
            } else {
                clauses.append("target = ?"); arguments.append(target)
            }
        }
        if let kind = filter.kind { clauses.append("kind = ?"); arguments.append(kind) }
        if let status = filter.status { clauses.append("status = ?"); arguments.append(status) }
        if let since = filter.since { clauses.append("time >= ?"); arguments.append(since) }
        if let until = filter.until { clauses.append("time < ?"); arguments.append(until) }
        if let text = filter.text { clauses.append("record LIKE ? ESCAPE '\\'"); arguments.append("%" + Self.escapeLike(text) + "%") }
        var sql = "SELECT seq, record, hash, prev_hash FROM audit WHERE \(clauses.joined(separator: " AND ")) ORDER BY seq"
        if let limit = filter.limit { sql += " LIMIT \(limit)" }
        return try database.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(Self.entry)
        }
    }

    /// The record with `id` (or the seq number given as text).
    public func entry(id: String) throws -> Entry? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT seq, record, hash, prev_hash FROM audit WHERE id = ? OR seq = ?", arguments: [id, Int64(id) ?? -1]).map(Self.entry)
        }
    }

    /// Walks the chain from its anchor; nil when every record is intact and in place.
    public func verify() throws -> (records: Int, firstBreak: Break?) {
        try database.read { db in
            let anchor = try AuditSchema.anchor(db)
            var expectedPrevious = anchor?.hash ?? AuditChain.genesis
            var expectedSeq = (anchor?.seq ?? 0) + 1
            var count = 0
            let rows = try Row.fetchCursor(db, sql: "SELECT seq, id, time, consumer, kind, target, status, record, prev_hash, hash FROM audit ORDER BY seq")
            while let row = try rows.next() {
                count += 1
                let seq: Int64 = row["seq"]
                let id: String = row["id"]
                func broken(_ reason: String) -> (Int, Break?) { (count, Break(seq: seq, id: id, reason: reason)) }
                if seq != expectedSeq {
                    return broken(seq > expectedSeq ? "records \(expectedSeq)…\(seq - 1) are missing (deleted)" : "out of order (inserted)")
                }
                let previous: String = row["prev_hash"]
                if previous != expectedPrevious {
                    return broken("its previous hash does not match the record before it (a record was deleted or inserted before it)")
                }
                let record: String = row["record"]
                if chain.hash(previous: previous, record: record) != (row["hash"] as String) {
                    return broken("its hash does not match its content (edited, or inserted)")
                }
                guard let json = try? JSONParser().parse(record) else { return broken("its record is not JSON (edited)") }
                for column in ["id", "time", "consumer", "kind", "target", "status"] where json[column]?.stringValue != (row[column] as String) {
                    return broken("its \(column) column differs from the chained record (edited)")
                }
                expectedPrevious = row["hash"]
                expectedSeq = seq + 1
            }
            return (count, nil)
        }
    }

    static func entry(_ row: Row) throws -> Entry {
        let text: String = row["record"]
        var record = (try? JSONParser().parse(text)) ?? .object(["unreadable": .string(text)])
        if case .object(var object) = record {
            object["seq"] = .int(row["seq"])
            record = .object(object)
        }
        return Entry(seq: row["seq"], record: record, hash: row["hash"], previousHash: row["prev_hash"])
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
