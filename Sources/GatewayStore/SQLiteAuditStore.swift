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
/// `write(_:untilDurable: true)` appends the record to the store's journal (`AuditJournal`, a copy
/// into a mapped file) and queues it; once it returns the record survives the gateway's crash
/// (`kill -9`), and the writer commits it with whatever else arrived meanwhile (group commit) off
/// the request path. Records a crash left in the journal are committed when the store next opens.
/// Without `untilDurable` a record is only queued. SQLite runs in WAL mode with
/// `synchronous=NORMAL`: an operating-system crash or power loss may take the last batches, as it
/// may the journal's last lines. Retention (age, count) prunes the oldest records and keeps the
/// last pruned hash as the chain's anchor.
public final class SQLiteAuditStore: AuditSink, Service, Sendable {
    typealias Waiter = CheckedContinuation<Result<Void, GatewayError>, Never>
    /// Queued rows, each with the journal segment it was appended to (or would have been).
    typealias Batch = [(row: AuditRow, segment: Int, waiter: Waiter?)]

    private struct Queue {
        let journal: AuditJournal
        var pending: Batch = []
        var wakeUp: CheckedContinuation<Void, Never>?
        var stopped = false
        /// A batch failed to commit: its journal segments stay for the next start to commit.
        var failed = false
    }

    let database: DatabasePool
    let chain: AuditChain
    let retention: Retention
    let logger: Logger
    private let queue: Mutex<Queue>
    /// The last record's hash (the next record's previous hash); only the writer task changes it.
    private let head: Mutex<String>
    /// The most records one transaction takes.
    static let batchLimit = 1024
    /// The least time from one transaction's start to the next's (group commit): under load each
    /// transaction carries what arrived meanwhile, so the last pages of the table and its indexes
    /// go to the WAL once per interval rather than per record (and checkpoints, each with an
    /// fsync, come that much less often). No answer waits for it (records a call waits for are
    /// journaled); a record arriving after a quiet spell is committed at once.
    let commitInterval: Duration

    /// Opens (creating when needed) the store at `path`; its journal's segments are made with
    /// `journalSegmentBytes` of room (allocated on disk up front).
    public init(
        path: String, chainKey: String? = nil, retention: Retention = Retention(), commitInterval: Duration = .milliseconds(25),
        journalSegmentBytes: Int = 4 << 20, logger: Logger
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
        } catch {
            throw GatewayError(.configuration, "the audit store \(path) cannot be opened: \(error)", underlying: error)
        }
        chain = AuditChain(key: chainKey)
        let journal = try AuditJournal(databasePath: path, segmentBytes: journalSegmentBytes)
        let left = AuditJournal.segments(of: path)
        do {
            var recovered = try database.read { db in try AuditSchema.lastHash(db) }
            for segment in left {
                recovered = try Self.recover(segment.path, after: recovered, chain: chain, database: database, logger: logger)
                try FileManager.default.removeItem(atPath: segment.path)
            }
            head = Mutex(recovered)
        } catch {
            throw GatewayError(.configuration, "the audit store \(path): its journal cannot be committed: \(error)", underlying: error)
        }
        try journal.start(after: left.last?.number ?? 0)
        queue = Mutex(Queue(journal: journal))
        self.retention = retention
        self.commitInterval = commitInterval
        self.logger = logger
    }

    public func write(_ record: AuditRecord, untilDurable: Bool) async throws(GatewayError) {
        let row = AuditRow(record)
        if queue.withLock({ $0.pending.count < Self.queueLimit }) {
            try enqueue(row, journaled: untilDurable, waiter: nil).get()
            return
        }
        // Past the limit the caller waits for its batch's commit (back-pressure on a writer that
        // cannot keep up), journaled or not.
        let outcome = await withCheckedContinuation { (waiter: Waiter) in
            enqueue(row, journaled: untilDurable, waiter: waiter)
        }
        try outcome.get()
    }

    /// Past this many queued records, writers wait for their batch's commit (back-pressure).
    static let queueLimit = 8192

    public func submit(_ record: AuditRecord, untilDurable: Bool) {
        enqueue(AuditRow(record), journaled: untilDurable, waiter: nil)
    }

    /// What became of a row handed to `enqueue`.
    private enum Taken {
        /// Queued; the writer, when it was waiting, is to be woken.
        case queued(wakeUp: CheckedContinuation<Void, Never>?)
        /// The writer has stopped.
        case stopped
        /// The journal could not take it.
        case unjournaled(GatewayError)
    }

    /// Queues `row`, appended to the journal first when `journaled`; a waiter is answered when the
    /// row's batch commits, or at once when the row cannot be taken (the result says why).
    @discardableResult
    private func enqueue(_ row: AuditRow, journaled: Bool, waiter: Waiter?) -> Result<Void, GatewayError> {
        let taken = queue.withLock { queue -> Taken in
            guard !queue.stopped else { return .stopped }
            if journaled {
                do throws(GatewayError) {
                    try queue.journal.append(row.json)
                } catch {
                    return .unjournaled(error)
                }
            }
            queue.pending.append((row, queue.journal.segment, waiter))
            defer { queue.wakeUp = nil }
            return .queued(wakeUp: queue.wakeUp)
        }
        switch taken {
        case .queued(let wakeUp):
            wakeUp?.resume()
            return .success(())
        case .stopped:
            // The writer has stopped (shutdown): this last record is written here, alone.
            let outcome: Result<Void, GatewayError>
            do {
                try writeNow([(row, 0, nil)])
                outcome = .success(())
            } catch {
                logger.error("audit record not written", metadata: ["id": "\(row.id)", "error": "\(error)"])
                outcome = .failure(GatewayError(.unavailable, "the audit trail cannot be written"))
            }
            waiter?.resume(returning: outcome)
            return outcome
        case .unjournaled(let error):
            logger.error("audit record not journaled", metadata: ["id": "\(row.id)", "error": "\(error.message)"])
            let outcome = Result<Void, GatewayError>.failure(GatewayError(.unavailable, "the audit trail cannot be written"))
            waiter?.resume(returning: outcome)
            return outcome
        }
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
        // Drained: every journaled record has committed (a failed batch keeps its segments).
        let segments = queue.withLock { $0.failed ? [] : $0.journal.retireAll() }
        Self.delete(segments, logger: logger)
    }

    private static func delete(_ paths: [String], logger: Logger) {
        for path in paths where unlink(path) != 0 && errno != ENOENT {
            logger.warning("audit journal segment not deleted", metadata: ["path": "\(path)", "error": "\(AuditJournal.describeErrno())"])
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
        guard let last = batch.last else { return }
        let retired = queue.withLock { queue -> [String] in
            if case .failure = outcome { queue.failed = true }
            return queue.failed ? [] : queue.journal.retire(below: last.segment)
        }
        Self.delete(retired, logger: logger)
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
        let last = try Self.insert(batch.lazy.map(\.row), after: head.withLock { $0 }, chain: chain, db: db)
        db.afterNextTransaction { _ in self.head.withLock { $0 = last } }
    }

    /// Inserts `rows` chained from `previous`; returns the last one's hash. Every value is bound
    /// in place (`SQLITE_STATIC`): the texts are gathered into one reused buffer, so a row costs
    /// SQLite no copy (each copy was a `malloc` under its memory-statistics mutex).
    private static func insert(_ rows: some Sequence<AuditRow>, after previous: String, chain: AuditChain, db: Database) throws -> String {
        var previous = previous
        let statement = try db.cachedStatement(sql: Self.insertSQL)
        let handle = statement.sqliteStatement
        var texts = BoundTexts()
        for row in rows {
            let hash = row.json.withUnsafeBytes { chain.hash(previous: previous, record: $0) }
            texts.gather(row, previous: previous, hash: hash)
            let code = row.json.withUnsafeBytes { json in
                texts.withBytes { text in
                    sqlite3_reset(handle)
                    defer { sqlite3_clear_bindings(handle) }
                    var bound = SQLITE_OK
                    for (slot, column) in Self.textColumns.enumerated() where bound == SQLITE_OK {
                        bound = Self.bind(text(slot), at: column, in: handle)
                    }
                    // Never empty (at least `{}`); valid until the step below.
                    if bound == SQLITE_OK { bound = Self.bind(UnsafeRawBufferPointer(json), at: 7, in: handle) }
                    return bound == SQLITE_OK ? sqlite3_step(handle) : bound
                }
            }
            sqlite3_reset(handle)
            guard code == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: Self.insertSQL)
            }
            previous = hash
        }
        return previous
    }

    /// The statement's parameters `gather` fills, in its order (7 is the record's JSON).
    private static let textColumns: [Int32] = [1, 2, 3, 4, 5, 6, 8, 9]

    /// Commits the records of a journal segment a crash left that the store does not hold yet
    /// (by id), in the segment's order, chained from `previous`; returns the new last hash. A line
    /// that is not a whole record (a copy cut short) is skipped and logged; zero bytes (the
    /// segment's unused room, or pages an operating-system crash did not write back) are not
    /// lines, and lines after such a hole are still read.
    private static func recover(_ path: String, after previous: String, chain: AuditChain, database: DatabasePool, logger: Logger) throws -> String {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var rows: [AuditRow] = []
        var skipped = 0
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            // Zero bytes around a line are room no copy reached; a line of them alone is no line.
            guard let start = line.firstIndex(where: { $0 != 0 }), let end = line.lastIndex(where: { $0 != 0 }) else { continue }
            guard let row = AuditRow(line: line[start...end]) else {
                skipped += 1
                continue
            }
            rows.append(row)
        }
        if skipped > 0 { logger.warning("audit journal lines that are not whole records were skipped", metadata: ["path": "\(path)", "lines": "\(skipped)"]) }
        return try database.write { db in
            let missing = try rows.filter { row in
                try !(Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM audit WHERE id = ?)", arguments: [row.id]) ?? false)
            }
            if !missing.isEmpty { logger.notice("audit records from before a crash committed", metadata: ["path": "\(path)", "records": "\(missing.count)"]) }
            return try insert(missing, after: previous, chain: chain, db: db)
        }
    }

    /// Binds text that stays valid until the statement is reset (`SQLITE_STATIC`: SQLite keeps no
    /// copy); SQLite's result code.
    private static func bind(_ bytes: UnsafeRawBufferPointer, at index: Int32, in handle: OpaquePointer) -> Int32 {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_text(handle, index, "", 0, nil) }
        return sqlite3_bind_text(handle, index, start.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
    }
}
