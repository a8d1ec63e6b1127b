import Foundation
import GatewayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The audit store's write-ahead log: each record a call waits for is copied here, one JSON line,
/// before the call's answer leaves, and is committed to SQLite by the store's writer afterwards.
/// A segment is a file mapped into memory (`MAP_SHARED`, its blocks allocated up front), so an
/// append is a copy into the kernel's page cache without a system call: it survives the gateway's
/// crash (`kill -9`) without the answer waiting for a transaction; an operating-system crash or
/// power loss may take what the kernel had not written back yet, the bound SQLite's WAL with
/// `synchronous=NORMAL` has too. Lines land in numbered segments beside the database
/// (`audit.db-pending-1.jsonl`, ...), each followed by zero bytes up to the segment's size until a
/// full segment is closed (and cut to its lines); a segment is deleted once every record in it has
/// committed, and the segments a crash left are committed when the store next opens. Segments
/// belong to the running gateway: one truncated under it would end the process (`SIGBUS` on the
/// mapping), as a database file truncated under SQLite would corrupt the store.
///
/// The process that opens the journal holds an exclusive lock (`audit.db-pending.lock`) until it
/// exits, so one gateway at a time writes a store: two would each chain to their own last hash.
/// Not thread-safe: the store uses it under its queue's lock.
final class AuditJournal {
    /// The room a segment is made with; a line that does not fit starts the next one.
    let segmentBytes: Int

    let databasePath: String
    private let lockDescriptor: Int32
    /// The segment lines are appended to: its file (-1 until `start`), number, mapping, capacity
    /// and the bytes its lines take.
    private var descriptor: Int32 = -1
    private(set) var segment = 0
    private var mapping: UnsafeMutableRawPointer?
    private var capacity = 0
    private var size = 0
    /// Segments on disk not yet deleted, oldest first.
    private var onDisk: [Int] = []

    /// Takes the store's lock; fails when another process holds it.
    init(databasePath: String, segmentBytes: Int = 4 << 20) throws(GatewayError) {
        self.databasePath = databasePath
        self.segmentBytes = segmentBytes
        let lockPath = databasePath + "-pending.lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw GatewayError(.configuration, "the audit store's lock \(lockPath) cannot be opened: \(Self.describeErrno())")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw GatewayError(.configuration, "the audit store \(databasePath) is in use by another gateway (it holds \(lockPath)); one gateway writes a store")
        }
        lockDescriptor = descriptor
    }

    deinit {
        closeSegment()
        close(lockDescriptor)
    }

    /// The segments beside `databasePath`, oldest first (what a crash left, when no gateway runs).
    static func segments(of databasePath: String) -> [(number: Int, path: String)] {
        let url = URL(fileURLWithPath: databasePath)
        let folder = url.deletingLastPathComponent()
        let prefix = url.lastPathComponent + "-pending-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix(prefix), name.hasSuffix(".jsonl"), let number = Int(name.dropFirst(prefix.count).dropLast(6)) else { return nil }
            return (number, folder.appendingPathComponent(name).path)
        }.sorted { $0.0 < $1.0 }
    }

    /// How many records wait in segments no gateway is writing (a crash left them; the next
    /// gateway to open the store commits them); 0 while a gateway holds the store.
    static func recordsLeftBehind(by databasePath: String) -> Int {
        let segments = segments(of: databasePath)
        guard !segments.isEmpty else { return 0 }
        let descriptor = open(databasePath + "-pending.lock", O_RDONLY | O_CLOEXEC)
        if descriptor >= 0 {
            defer { close(descriptor) }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return 0 }
        }
        return segments.reduce(0) { count, segment in
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: segment.path))) ?? Data()
            return count + bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        }
    }

    func path(of segment: Int) -> String {
        "\(databasePath)-pending-\(segment).jsonl"
    }

    /// Opens a fresh segment after `number` (the last one recovered, or 0).
    func start(after number: Int) throws(GatewayError) {
        try openSegment(number + 1)
    }

    /// Creates segment `number` with room for at least `bytes` (its blocks allocated, so a copy
    /// into the mapping cannot meet a full disk) and maps it; closes the segment before it.
    private func openSegment(_ number: Int, bytes: Int? = nil) throws(GatewayError) {
        let bytes = bytes ?? segmentBytes
        let path = path(of: number)
        let opened = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard opened >= 0 else { throw GatewayError(.unavailable, "the audit journal \(path) cannot be opened: \(Self.describeErrno())") }
        let allocated = posix_fallocate(opened, 0, off_t(bytes))
        let mapped = allocated == 0 ? mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, opened, 0) : MAP_FAILED
        guard let mapped, mapped != MAP_FAILED else {
            let reason = allocated != 0 ? String(cString: strerror(allocated)) : Self.describeErrno()
            close(opened)
            unlink(path)
            throw GatewayError(.unavailable, "the audit journal \(path) cannot be made (\(bytes) bytes): \(reason)")
        }
        closeSegment()
        descriptor = opened
        mapping = mapped
        capacity = bytes
        segment = number
        size = 0
        onDisk.append(number)
    }

    /// Unmaps the current segment and cuts its file to the lines it holds.
    private func closeSegment() {
        guard descriptor >= 0 else { return }
        if let mapping { munmap(mapping, capacity) }
        _ = ftruncate(descriptor, off_t(size))
        close(descriptor)
        descriptor = -1
        mapping = nil
    }

    /// Appends one record's JSON and a line feed: a copy into the mapped segment (the next
    /// segment first when this one has no room).
    func append(_ json: [UInt8]) throws(GatewayError) {
        let line = json.count + 1
        if size + line > capacity { try openSegment(segment + 1, bytes: max(segmentBytes, line)) }
        guard let mapping else { throw GatewayError(.unavailable, "the audit journal is closed") }
        json.withUnsafeBytes { json in
            if let start = json.baseAddress { (mapping + size).copyMemory(from: start, byteCount: json.count) }
        }
        mapping.storeBytes(of: UInt8(ascii: "\n"), toByteOffset: size + json.count, as: UInt8.self)
        size += line
    }

    /// Forgets the segments numbered below `segment` (every record in them has committed) and
    /// returns their paths, to delete outside the caller's lock.
    func retire(below segment: Int) -> [String] {
        let retired = onDisk.prefix { $0 < segment }
        guard !retired.isEmpty else { return [] }
        onDisk.removeFirst(retired.count)
        return retired.map(path(of:))
    }

    /// Closes the segment being written and returns every segment's path (all committed: the
    /// writer has stopped and drained its queue).
    func retireAll() -> [String] {
        closeSegment()
        defer { onDisk = [] }
        return onDisk.map(path(of:))
    }

    static func describeErrno() -> String {
        String(cString: strerror(errno))
    }
}
