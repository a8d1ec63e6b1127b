import Foundation
import GRDB
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

    private struct Queue {
        var pending: [(record: AuditRecord, waiter: Waiter?)] = []
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
                try database.write { db in try self.insert([record], db: db) }
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
    private func nextBatch() async -> [(record: AuditRecord, waiter: Waiter?)]? {
        while true {
            let taken = queue.withLock { queue -> [(record: AuditRecord, waiter: Waiter?)]?? in
                if !queue.pending.isEmpty {
                    let count = min(queue.pending.count, Self.batchLimit)
                    defer { queue.pending.removeFirst(count) }
                    return .some(Array(queue.pending.prefix(count)))
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
    private func commit(_ batch: [(record: AuditRecord, waiter: Waiter?)]) async {
        let records = batch.map(\.record)
        let outcome: Result<Void, GatewayError>
        do {
            if Task.isCancelled {
                try writeNow(records)
            } else {
                try await database.write { db in try self.insert(records, db: db) }
            }
            outcome = .success(())
        } catch {
            logger.error("audit batch not written", metadata: ["records": "\(batch.count)", "error": "\(error)"])
            outcome = .failure(GatewayError(.unavailable, "the audit trail cannot be written"))
        }
        for entry in batch { entry.waiter?.resume(returning: outcome) }
    }

    /// Inserts records in one transaction on the calling thread.
    private func writeNow(_ records: [AuditRecord]) throws {
        try database.write { db in try insert(records, db: db) }
    }

    /// Inserts records in order, each chained to the one before; the head moves only once the
    /// transaction commits (a failed one leaves it where it was).
    private func insert(_ records: [AuditRecord], db: Database) throws {
        var previous = head.withLock { $0 }
        let statement = try db.cachedStatement(
            sql: "INSERT INTO audit (id, time, consumer, kind, target, status, record, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        for record in records {
            let json = record.jsonValue
            let text = json.serialized()
            let hash = chain.hash(previous: previous, record: text)
            try statement.execute(arguments: [
                record.id, json["time"]?.stringValue ?? "", record.consumer, record.kind.rawValue, record.target, record.status, text, previous, hash,
            ])
            previous = hash
        }
        let last = previous
        db.afterNextTransaction { _ in self.head.withLock { $0 = last } }
    }

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
