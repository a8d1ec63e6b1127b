import Foundation
import GRDB
import GRDBSQLite
import GatewayCore
import Logging
import ServiceLifecycle
import Synchronization

/// The embedded audit trail: records in a SQLite file (WAL), hash-chained, written in batches by
/// this service's own task.
///
/// `write` queues a record and returns once the transaction holding it has committed; every call
/// waiting meanwhile shares that one commit (group commit), so the cost per call falls as load
/// rises. With SQLite's WAL and `synchronous=NORMAL` a committed record survives the gateway's
/// crash (`kill -9`); a power loss may take the last batches (`synchronous=FULL` would not).
/// Retention (age, count) prunes the oldest records and keeps the last pruned hash as the chain's anchor.
public final class SQLiteAuditStore: AuditSink, Service, Sendable {
    typealias Waiter = CheckedContinuation<Result<Void, GatewayError>, Never>
    typealias Batch = [(record: AuditRecord, waiter: Waiter?)]

    private struct Queue {
        var pending: Batch = []
        var wakeUp: CheckedContinuation<Void, Never>?
        var stopped = false
    }

    public struct Retention: Sendable {
        public var maxAge: Duration?
        public var maxRecords: Int?

        public init(maxAge: Duration? = nil, maxRecords: Int? = nil) {
            self.maxAge = maxAge
            self.maxRecords = maxRecords
        }
    }

    let database: DatabasePool
    let chain: AuditChain
    private let retention: Retention
    private let logger: Logger
    private let queue = Mutex(Queue())
    /// The last record's hash (the next record's previous hash); only the writer task changes it.
    private let head: Mutex<String>
    /// The most records one transaction takes.
    static let batchLimit = 1024
    /// The least time from one transaction's start to the next's (group commit): under load each
    /// transaction carries what arrived meanwhile, so the WAL grows by a few pages per interval
    /// rather than per record (and checkpoints, each with an fsync, come that much less often).
    /// A call arriving after a quiet spell is committed at once.
    let commitInterval: Duration

    /// Opens (creating when needed) the store at `path`.
    public init(
        path: String, chainKey: String? = nil, retention: Retention = Retention(), commitInterval: Duration = .milliseconds(2), logger: Logger
    ) throws(GatewayError) {
        do {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            database = try DatabasePool(path: path, configuration: configuration)
            try database.write { db in try AuditSchema.create(db) }
            head = Mutex(try database.read { db in try AuditSchema.lastHash(db) })
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError(.configuration, "the audit store \(path) cannot be opened: \(error)", underlying: error)
        }
        chain = AuditChain(key: chainKey)
        self.retention = retention
        self.commitInterval = commitInterval
        self.logger = logger
    }

    public func write(_ record: AuditRecord, untilDurable: Bool) async throws(GatewayError) {
        if !untilDurable, queue.withLock({ $0.pending.count < Self.queueLimit }) {
            enqueue(record, waiter: nil)
            return
        }
        let outcome = await withCheckedContinuation { (waiter: Waiter) in
            enqueue(record, waiter: waiter)
        }
        try outcome.get()
    }

    /// Past this many queued records, writers that need not wait for durability wait anyway (back-pressure).
    static let queueLimit = 8192

    public func submit(_ record: AuditRecord) {
        enqueue(record, waiter: nil)
    }

    private func enqueue(_ record: AuditRecord, waiter: Waiter?) {
        let (wakeUp, refused) = queue.withLock { queue -> (CheckedContinuation<Void, Never>?, Bool) in
            guard !queue.stopped else { return (nil, true) }
            queue.pending.append((record, waiter))
            defer { queue.wakeUp = nil }
            return (queue.wakeUp, false)
        }
        if refused {
            // The writer has stopped (shutdown): this last record is written here, alone.
            do {
                try writeNow([(record, nil)])
                waiter?.resume(returning: .success(()))
            } catch {
                logger.error("audit record not written", metadata: ["id": "\(record.id)", "error": "\(error)"])
                waiter?.resume(returning: .failure(GatewayError(.unavailable, "the audit trail cannot be written")))
            }
            return
        }
        wakeUp?.resume()
    }

    /// Writes queued records in batches until graceful shutdown, then writes what is left.
    public func run() async throws {
        var lastPrune = ContinuousClock.now - .seconds(3600)
        // Cancelled or shut down gracefully: either way what is queued is written before this returns.
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                while let batch = await nextBatch() {
                    let started = ContinuousClock.now
                    await commit(batch)
                    if ContinuousClock.now - lastPrune > .seconds(60) {
                        lastPrune = .now
                        prune()
                    }
                    // Cancelled (shutdown without grace): the sleep ends at once and the rest is drained.
                    if !isStopped { try? await Task.sleep(until: started + commitInterval) }
                }
            } onGracefulShutdown: {
                self.stop()
            }
        } onCancel: {
            self.stop()
        }
    }

    private var isStopped: Bool { queue.withLock { $0.stopped } }

    /// Stops the writer after what is queued (records arriving later are written one by one).
    public func stop() {
        let wakeUp = queue.withLock { queue in
            queue.stopped = true
            defer { queue.wakeUp = nil }
            return queue.wakeUp
        }
        wakeUp?.resume()
    }

    /// The next records to write; nil once stopped and drained.
    private func nextBatch() async -> Batch? {
        while true {
            let taken = queue.withLock { queue -> Batch?? in
                if !queue.pending.isEmpty {
                    // Usually everything queued (no copy); past the limit, the oldest records.
                    guard queue.pending.count > Self.batchLimit else {
                        var all: Batch = []
                        swap(&all, &queue.pending)
                        return .some(all)
                    }
                    defer { queue.pending.removeFirst(Self.batchLimit) }
                    return .some(Array(queue.pending.prefix(Self.batchLimit)))
                }
                return queue.stopped ? .some(nil) : .none
            }
            if let taken { return taken }
            await withCheckedContinuation { (wakeUp: CheckedContinuation<Void, Never>) in
                let ready = queue.withLock { queue -> Bool in
                    if !queue.pending.isEmpty || queue.stopped { return true }
                    queue.wakeUp = wakeUp
                    return false
                }
                if ready { wakeUp.resume() }
            }
        }
    }

    /// Writes one batch and answers its waiters. The transaction runs on GRDB's writer queue while
    /// this task waits, so no event loop thread is held by SQLite; once the task is cancelled
    /// (shutdown without grace) the last batches are written synchronously instead.
    private func commit(_ batch: Batch) async {
        let outcome: Result<Void, GatewayError>
        do {
            if Task.isCancelled {
                try writeNow(batch)
            } else {
                try await database.write { db in try self.insert(batch, db: db) }
            }
            outcome = .success(())
        } catch {
            logger.error("audit batch not written", metadata: ["records": "\(batch.count)", "error": "\(error)"])
            outcome = .failure(GatewayError(.unavailable, "the audit trail cannot be written"))
        }
        for entry in batch { entry.waiter?.resume(returning: outcome) }
    }

    /// Inserts records in one transaction on the calling thread.
    private func writeNow(_ batch: Batch) throws {
        try database.write { db in try insert(batch, db: db) }
    }

    static let insertSQL = "INSERT INTO audit (id, time, consumer, kind, target, status, record, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"

    /// Inserts records in order, each chained to the one before; the head moves only once the
    /// transaction commits (a failed one leaves it where it was). The row's values are bound
    /// straight to SQLite's statement (the record's JSON without a copy): GRDB's argument arrays
    /// cost more than the insert's own B-tree work at thousands of records a second.
    private func insert(_ batch: Batch, db: Database) throws {
        var previous = head.withLock { $0 }
        let statement = try db.cachedStatement(sql: Self.insertSQL)
        let handle = statement.sqliteStatement
        for (record, _) in batch {
            let time = AuditRecord.formatTime(record.time)
            let json = record.jsonBytes(formattedTime: time)
            let hash = json.withUnsafeBytes { chain.hash(previous: previous, record: $0) }
            let code = json.withUnsafeBytes { json in
                sqlite3_reset(handle)
                defer { sqlite3_clear_bindings(handle) }
                let texts = [record.id, time, record.consumer, record.kind.auditName, record.target, record.status]
                var bound = SQLITE_OK
                for (index, text) in texts.enumerated() where bound == SQLITE_OK { bound = Self.bind(text, at: Int32(index + 1), in: handle) }
                // Never empty (at least `{}`); bound in place, valid until the step below.
                if bound == SQLITE_OK { bound = sqlite3_bind_text(handle, 7, json.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(json.count), nil) }
                if bound == SQLITE_OK { bound = Self.bind(previous, at: 8, in: handle) }
                if bound == SQLITE_OK { bound = Self.bind(hash, at: 9, in: handle) }
                return bound == SQLITE_OK ? sqlite3_step(handle) : bound
            }
            sqlite3_reset(handle)
            guard code == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: Self.insertSQL)
            }
            previous = hash
        }
        let last = previous
        db.afterNextTransaction { _ in self.head.withLock { $0 = last } }
    }

    /// Binds text (copied by SQLite) to a parameter; SQLite's result code.
    private static func bind(_ text: String, at index: Int32, in handle: OpaquePointer) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            guard let start = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_text(handle, index, "", 0, nil) }
            return sqlite3_bind_text(handle, index, UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self), Int32(bytes.count), transient)
        }
    }

    /// SQLite's `SQLITE_TRANSIENT`: the bound bytes are copied before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Drops records past the retention limits, keeping the last dropped one's hash as the anchor.
    private func prune() {
        guard retention.maxAge != nil || retention.maxRecords != nil else { return }
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
                guard cutoff > 0, let anchor = try String.fetchOne(db, sql: "SELECT hash FROM audit WHERE seq = ?", arguments: [cutoff]) else { return }
                try db.execute(sql: "DELETE FROM audit WHERE seq <= ?", arguments: [cutoff])
                try AuditSchema.setAnchor(db, seq: cutoff, hash: anchor)
            }
        } catch {
            logger.warning("audit retention failed", metadata: ["error": "\(error)"])
        }
    }
}
