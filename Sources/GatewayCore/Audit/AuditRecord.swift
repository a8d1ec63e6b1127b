import Foundation
import MCPCore

/// What the audit trail keeps of one answered call, of any kind: who, what, when, how it ended,
/// what each policy decided, and (when so configured, redacted) what was asked and answered.
public struct AuditRecord: Sendable, Hashable {
    /// A unique id (also the correlation id in logs).
    public var id: String
    public var time: Date
    /// The consumer's name (`anonymous` when nobody authenticated).
    public var consumer: String
    public var kind: CallKind
    /// `<server>/<tool>` (or the resource, prompt, list method) for MCP calls; the model group for model calls.
    public var target: String
    /// `ok`, or the `GatewayError` code the call ended with (`denied`, `rate_limited`, `upstream`...).
    public var status: String
    /// Whether a tool's result was `isError` (the call itself succeeded).
    public var toolError: Bool
    public var transport: String
    public var requestID: String?
    public var clientAddress: String?
    /// Whole call, from arrival to the answer (or the stream's end).
    public var latencyMilliseconds: Double
    /// Model calls: the instance that answered, the attempts made, time to first token, usage.
    public var instance: String?
    public var attempts: Int?
    public var timeToFirstTokenMilliseconds: Double?
    public var usage: TokenUsage?
    public var verdicts: [PolicyVerdict]
    /// The arguments or messages, redacted (nil unless payloads are kept).
    public var request: String?
    /// The answer's text, redacted (nil unless payloads are kept).
    public var response: String?
    /// The error's client-safe message.
    public var message: String?

    public init(
        id: String? = nil, time: Date, consumer: String, kind: CallKind, target: String, status: String,
        toolError: Bool = false, transport: String, requestID: String? = nil, clientAddress: String? = nil, latencyMilliseconds: Double,
        verdicts: [PolicyVerdict] = []
    ) {
        self.id = id ?? Self.newID(at: time)
        self.time = time
        self.consumer = consumer
        self.kind = kind
        self.target = target
        self.status = status
        self.toolError = toolError
        self.transport = transport
        self.requestID = requestID
        self.clientAddress = clientAddress
        self.latencyMilliseconds = latencyMilliseconds
        self.verdicts = verdicts
    }
}

extension AuditRecord {
    /// A UUIDv7 (RFC 9562): the time in milliseconds, then random bits. Ids made later sort
    /// later, so the store's unique index on them grows at its end (one page per batch) instead
    /// of touching a random page for every record.
    public static func newID(at time: Date = Date()) -> String {
        // Both words from one `arc4random_buf` (one `getrandom` system call with glibc 2.36);
        // `SystemRandomNumberGenerator` makes one per word.
        var random: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &random) { arc4random_buf($0.baseAddress!, $0.count) }
        let milliseconds = UInt64(max(0, time.timeIntervalSince1970 * 1000))
        // 48 bits of time, the version, 12 random bits; the variant, 62 random bits.
        let high = milliseconds << 16 | 0x7000 | random.0 & 0x0FFF
        let low = 0x8000_0000_0000_0000 | random.1 & 0x3FFF_FFFF_FFFF_FFFF
        let bytes = withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { Array($0) }
        let text = Hex.encode(bytes).utf8
        var id = [UInt8]()
        id.reserveCapacity(36)
        for (offset, digit) in text.enumerated() {
            if offset == 8 || offset == 12 || offset == 16 || offset == 20 { id.append(UInt8(ascii: "-")) }
            id.append(digit)
        }
        return String(decoding: id, as: UTF8.self)
    }
}
