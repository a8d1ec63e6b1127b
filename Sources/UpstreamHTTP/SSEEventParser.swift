import NIOCore

/// Splits a `text/event-stream` body into events, chunk by chunk, as the HTML spec's
/// "interpreting an event stream" says: `event:`, `data:` (lines joined by `\n`), `id:`,
/// comments and unknown fields ignored, `\r\n`, `\r` or `\n` line ends. An event whose data
/// outgrows `maxEventBytes` is dropped and reported.
public struct SSEEventParser: Sendable {
    public struct Event: Sendable, Equatable {
        public var event = "message"
        public var data: [UInt8] = []
        public var id: String?

        public init(event: String = "message", data: [UInt8] = [], id: String? = nil) {
            self.event = event
            self.data = data
            self.id = id
        }
    }

    public enum Output: Sendable, Equatable {
        case event(Event)
        case tooLarge(Int)
        /// A comment line (`: keep-alive`), reported only when `reportsComments` is set.
        case comment
    }

    /// Report comment lines (model providers send `: keep-alive` while a request waits).
    public var reportsComments = false

    public let maxEventBytes: Int
    /// The `retry:` field's reconnection delay in milliseconds, once the stream gave one.
    public private(set) var retryMilliseconds: Int?
    private var line: [UInt8] = []
    private var current = Event()
    private var hasData = false
    private var oversized = 0
    private var afterCR = false

    public init(maxEventBytes: Int = 16 << 20) {
        self.maxEventBytes = maxEventBytes
    }

    /// The last event id the stream set (kept across events, as `Last-Event-ID` needs).
    public var lastEventID: String? { current.id }

    /// Feeds the next bytes; returns the events they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Output] {
        let contiguous = bytes.withContiguousStorageIfAvailable { feed(UnsafeRawBufferPointer($0)) }
        if let contiguous { return contiguous }
        return Array(bytes).withUnsafeBytes { feed($0) }
    }

    /// Feeds a buffer's readable bytes (the common case: a body chunk), without copying them.
    public mutating func feed(_ buffer: ByteBuffer) -> [Output] {
        buffer.withUnsafeReadableBytes { feed($0) }
    }

    /// The parser proper, over raw bytes: whole runs between line ends are appended at once.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [Output] {
        var out: [Output] = []
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if !afterCR, byte != 0x0D, byte != 0x0A, oversized == 0 {
                // A run of ordinary bytes up to the next line end.
                var end = index + 1
                while end < count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
                let run = end - index
                if line.count + current.data.count + run > maxEventBytes {
                    oversized = line.count + current.data.count + run
                    line.removeAll()
                } else {
                    line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<end]))
                }
                index = end
                continue
            }
            index += 1
            if afterCR {
                afterCR = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0D:
                afterCR = true
                endLine(into: &out)
            case 0x0A:
                endLine(into: &out)
            default:
                if oversized > 0 {
                    oversized += 1
                } else if line.count + current.data.count >= maxEventBytes {
                    oversized = line.count + current.data.count + 1
                    line.removeAll()
                } else {
                    line.append(byte)
                }
            }
        }
        return out
    }

    private mutating func endLine(into out: inout [Output]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            if oversized > 0 {
                out.append(.tooLarge(oversized))
            } else if hasData {
                out.append(.event(current))
            }
            let lastID = current.id
            current = Event()
            current.id = lastID
            hasData = false
            oversized = 0
            return
        }
        if oversized > 0 { return }
        if line.first == 0x3A {
            if reportsComments { out.append(.comment) }
            return
        }
        let colon = line.firstIndex(of: 0x3A) ?? line.endIndex
        let field = String(decoding: line[..<colon], as: UTF8.self)
        var value = colon < line.endIndex ? line[(colon + 1)...] : []
        if value.first == 0x20 { value = value.dropFirst() }
        switch field {
        case "event": current.event = String(decoding: value, as: UTF8.self)
        case "data":
            if hasData { current.data.append(0x0A) }
            current.data += value
            hasData = true
        case "id" where !value.contains(0): current.id = String(decoding: value, as: UTF8.self)
        case "retry":
            if !value.isEmpty, value.allSatisfy({ (0x30...0x39).contains($0) }), let milliseconds = Int(String(decoding: value, as: UTF8.self)) {
                retryMilliseconds = milliseconds
            }
        default: break
        }
    }
}
