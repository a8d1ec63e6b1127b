import Foundation
import GRDB
import GatewayCore
import GatewayStore
import Logging
import MCPCore
import Testing

/// The audit store on a real SQLite file: group commit, the hash chain, its check, retention.
@Suite("Audit store")
struct SQLiteAuditStoreTests {
    static func temporaryPath() -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("toolgate-audit-\(UUID().uuidString)")
        return folder.appendingPathComponent("audit.db").path
    }

    static func record(_ number: Int, consumer: String = "alice") -> AuditRecord {
        var record = AuditRecord(
            time: Date(), consumer: consumer, kind: .toolCall, target: "clinic/get_patient", status: "ok", transport: "http", latencyMilliseconds: Double(number)
        )
        record.request = "{\"n\":\(number)}"
        return record
    }

    /// Runs the store's writer beside `body`, then stops it (what is queued is written first).
    static func withStore(_ path: String, retention: SQLiteAuditStore.Retention = .init(), _ body: (SQLiteAuditStore) async throws -> Void) async throws {
        let store = try SQLiteAuditStore(path: path, retention: retention, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { store.stop() }
            try await body(store)
        }
    }

    /// The journal segments beside the store.
    static func segments(_ path: String) throws -> [String] {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jsonl") }.sorted()
    }

    @Test("concurrent writes each return once journaled; every record is committed, chained, the journal deleted, and a reopened store continues the chain")
    func groupCommit() async throws {
        let path = Self.temporaryPath()
        try await Self.withStore(path) { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 0..<300 { group.addTask { try await store.write(Self.record(number), untilDurable: true) } }
                try await group.waitForAll()
            }
        }
        #expect(try AuditReader(path: path).entries(.init()).count == 300)
        #expect(try Self.segments(path).isEmpty)
        try await Self.withStore(path) { store in try await store.write(Self.record(300), untilDurable: true) }
        let reader = try AuditReader(path: path)
        let verified = try reader.verify()
        #expect(verified.records == 301 && verified.firstBreak == nil)
        var filter = AuditReader.Filter()
        filter.text = ":42}"
        #expect(try reader.entries(filter).map { $0.record["request"]?.stringValue } == ["{\"n\":42}"])
    }

    @Test("records journaled by a store that never committed them (a crash) are committed once, in order, when the store opens again")
    func recoveryAfterCrash() async throws {
        let path = Self.temporaryPath()
        var ids: [String] = []
        do {
            // No writer runs: the records reach the journal only, as when the gateway dies before its next batch.
            let crashed = try SQLiteAuditStore(path: path, logger: Logger(label: "test"))
            for number in 0..<40 {
                let record = Self.record(number)
                ids.append(record.id)
                try await crashed.write(record, untilDurable: true)
            }
            // A second gateway on the same store is refused while the first holds it.
            #expect(throws: GatewayError.self) { try SQLiteAuditStore(path: path, logger: Logger(label: "test")) }
            #expect(try AuditReader(path: path).recordsLeftInJournal() == 0)
        }
        let segment = try #require(try Self.segments(path).first)
        let segmentPath = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(segment).path
        let journaled = try Data(contentsOf: URL(fileURLWithPath: segmentPath))
        // Closed, the segment holds its lines alone.
        #expect(!journaled.contains(0) && journaled.last == UInt8(ascii: "\n"))
        // A crash leaves the segment at its allocated size, zero bytes after the lines; this one
        // also cut the last copy short, and a page in the middle was never written back (an
        // operating-system crash): the lines after that hole still count.
        let middle = try #require(journaled[(journaled.count / 2)...].firstIndex(of: UInt8(ascii: "\n"))) + 1
        var holed = Data(journaled[..<middle])
        holed.append(Data(count: 4096))
        holed.append(journaled[middle...])
        holed.append(Data("{\"id\":\"cut".utf8))
        holed.append(Data(count: 1 << 20))
        try holed.write(to: URL(fileURLWithPath: segmentPath))
        #expect(try AuditReader(path: path).recordsLeftInJournal() == 40)
        try await Self.withStore(path) { _ in }
        let reader = try AuditReader(path: path)
        #expect(try reader.entries(.init()).map { $0.record["id"]?.stringValue } == ids)
        #expect(try reader.verify().firstBreak == nil)
        #expect(try Self.segments(path).isEmpty)
        #expect(reader.recordsLeftInJournal() == 0)
        // A segment whose records had committed before the crash adds nothing.
        try journaled.write(to: URL(fileURLWithPath: segmentPath))
        try await Self.withStore(path) { store in try await store.write(Self.record(40), untilDurable: true) }
        let after = try AuditReader(path: path)
        #expect(try after.entries(.init()).count == 41)
        #expect(try after.verify().firstBreak == nil)
    }

    @Test("a full journal segment is cut to its lines and the next one started; all of them are committed after a crash, a line larger than a segment included")
    func journalSegments() async throws {
        let path = Self.temporaryPath()
        var ids: [String] = []
        do {
            // 4 KB segments: about twenty records each. No writer runs (a crash before any commit).
            let crashed = try SQLiteAuditStore(path: path, journalSegmentBytes: 4096, logger: Logger(label: "test"))
            for number in 0..<100 {
                var record = Self.record(number)
                if number == 50 { record.response = String(repeating: "x", count: 10_000) }
                ids.append(record.id)
                try await crashed.write(record, untilDurable: true)
            }
            let segments = try Self.segments(path)
            #expect(segments.count > 5)
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            // Every closed segment holds whole lines and nothing after them; the one being written
            // still has its room.
            for name in segments.dropLast() {
                let bytes = try Data(contentsOf: folder.appendingPathComponent(name))
                #expect(!bytes.contains(0) && bytes.last == UInt8(ascii: "\n"), "\(name)")
            }
            let open = try Data(contentsOf: folder.appendingPathComponent(try #require(segments.last)))
            #expect(open.count == 4096 && open.last == 0)
            withExtendedLifetime(crashed) {}
        }
        try await Self.withStore(path) { store in
            try await store.write(Self.record(100), untilDurable: true)
        }
        let reader = try AuditReader(path: path)
        let stored = try reader.entries(.init()).map { $0.record["id"]?.stringValue }
        #expect(Array(stored.prefix(100)) == ids && stored.count == 101)
        #expect(try reader.verify().firstBreak == nil)
        #expect(try Self.segments(path).isEmpty)
    }

    @Test("with a chain key the hashes are HMACs: the key verifies them, no key or another key does not")
    func keyedChain() async throws {
        let path = Self.temporaryPath()
        let store = try SQLiteAuditStore(path: path, chainKey: "chain-key", logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { store.stop() }
            for number in 0..<5 { try await store.write(Self.record(number), untilDurable: true) }
        }
        #expect(try AuditReader(path: path, chainKey: "chain-key").verify().firstBreak == nil)
        #expect(try AuditReader(path: path, chainKey: "chain-key").verify().records == 5)
        #expect(try AuditReader(path: path).verify().firstBreak?.seq == 1)
        #expect(try AuditReader(path: path, chainKey: "other").verify().firstBreak?.reason.contains("hash") == true)
    }

    @Test("verify names the first edited, deleted or inserted record")
    func tampering() async throws {
        let path = Self.temporaryPath()
        try await Self.withStore(path) { store in
            for number in 0..<10 { try await store.write(Self.record(number), untilDurable: true) }
        }
        let database = try DatabaseQueue(path: path)
        #expect(try AuditReader(path: path).verify().firstBreak == nil)
        // Edited: a column, then the chained JSON itself.
        try await database.write { try $0.execute(sql: "UPDATE audit SET status = 'ok-ish' WHERE seq = 4") }
        #expect(try AuditReader(path: path).verify().firstBreak?.seq == 4)
        try await database.write { try $0.execute(sql: "UPDATE audit SET status = 'ok', record = replace(record, 'alice', 'mallory') WHERE seq = 4") }
        let edited = try #require(try AuditReader(path: path).verify().firstBreak)
        #expect(edited.seq == 4 && edited.reason.contains("hash"))
        try await database.write { try $0.execute(sql: "UPDATE audit SET record = replace(record, 'mallory', 'alice') WHERE seq = 4") }
        #expect(try AuditReader(path: path).verify().firstBreak == nil)
        // Deleted.
        try await database.write { try $0.execute(sql: "CREATE TABLE saved AS SELECT * FROM audit WHERE seq = 6; DELETE FROM audit WHERE seq = 6") }
        let deleted = try #require(try AuditReader(path: path).verify().firstBreak)
        #expect(deleted.seq == 7 && deleted.reason.contains("missing"))
        // Inserted: the row put back under its number is accepted again; a new row at the end is not.
        try await database.write { try $0.execute(sql: "INSERT INTO audit SELECT * FROM saved") }
        #expect(try AuditReader(path: path).verify().firstBreak == nil)
        try await database.write { db in
            let last = try String.fetchOne(db, sql: "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1") ?? ""
            try db.execute(
                sql: "INSERT INTO audit (id, time, consumer, kind, target, status, record, prev_hash, hash) VALUES ('forged', 't', 'x', 'tool_call', 'x', 'ok', '{}', ?, ?)",
                arguments: [last, String(repeating: "a", count: 64)]
            )
        }
        let inserted = try #require(try AuditReader(path: path).verify().firstBreak)
        #expect(inserted.id == "forged" && inserted.seq == 11)
    }

    @Test("retention by size keeps the newest records whose pages fit, and the file stops growing")
    func retentionBySize() async throws {
        let path = Self.temporaryPath()
        let payload = String(repeating: "p", count: 1000)
        func pagesInUse() throws -> Int64 {
            try DatabaseQueue(path: path).read { db in
                let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                return (pages - free) * (try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
            }
        }
        try await Self.withStore(path) { store in
            for number in 0..<2000 {
                var record = Self.record(number)
                record.response = payload
                try await store.write(record, untilDurable: false)
            }
        }
        #expect(try pagesInUse() > 2_000_000)
        let limit = 512 << 10
        // Pruning runs in the writer's first round after start.
        try await Self.withStore(path, retention: .init(maxBytes: limit)) { store in try await store.write(Self.record(2000), untilDurable: true) }
        let kept = try pagesInUse()
        #expect(kept <= limit && kept > limit / 2, "\(kept) bytes of pages in use")
        let reader = try AuditReader(path: path)
        let entries = try reader.entries(.init())
        #expect(entries.count > 100 && entries.count < 600 && entries.last?.seq == 2001)
        #expect(try reader.verify().firstBreak == nil)
        // Later records take the freed pages: the file does not grow past what it was.
        let fileSize = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        try await Self.withStore(path, retention: .init(maxBytes: limit)) { store in
            for number in 2001..<2200 {
                var record = Self.record(number)
                record.response = payload
                try await store.write(record, untilDurable: false)
            }
        }
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0 <= fileSize)
    }

    @Test("retention keeps the newest records and the chain still verifies from its anchor")
    func retention() async throws {
        let path = Self.temporaryPath()
        try await Self.withStore(path) { store in
            for number in 0..<20 { try await store.write(Self.record(number), untilDurable: true) }
        }
        // Pruning runs in the writer's first round after start.
        try await Self.withStore(path, retention: .init(maxRecords: 5)) { store in try await store.write(Self.record(20), untilDurable: true) }
        let reader = try AuditReader(path: path)
        let entries = try reader.entries(.init())
        #expect(entries.count <= 6 && entries.last?.seq == 21)
        #expect(try reader.verify().firstBreak == nil)
    }
}
