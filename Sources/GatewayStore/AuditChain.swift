import Crypto
import Foundation
import GatewayCore

/// How each audit record is linked to the one before it: its hash covers the previous hash and
/// the record's JSON, so an edit, an insertion or a deletion breaks the chain from that record
/// on. With a key the hash is an HMAC, so only a holder of the key can forge a chain.
struct AuditChain: Sendable {
    /// The previous hash of the very first record.
    static let genesis = String(repeating: "0", count: 64)

    let key: SymmetricKey?

    init(key: String?) {
        self.key = key.map { SymmetricKey(data: Data($0.utf8)) }
    }

    func hash(previous: String, record: String) -> String {
        var record = record
        return record.withUTF8 { hash(previous: previous, record: UnsafeRawBufferPointer($0)) }
    }

    func hash(previous: String, record: UnsafeRawBufferPointer) -> String {
        if let key {
            var code = HMAC<SHA256>(key: key)
            Self.feed(previous, record) { code.update(data: $0) }
            return code.finalize().withUnsafeBytes { Hex.encode($0) }
        }
        var hasher = SHA256()
        Self.feed(previous, record) { hasher.update(data: $0) }
        return hasher.finalize().withUnsafeBytes { Hex.encode($0) }
    }

    /// What the hash covers, in order and without a joined copy: the previous hash, a line feed, the record.
    private static func feed(_ previous: String, _ record: UnsafeRawBufferPointer, to update: (UnsafeRawBufferPointer) -> Void) {
        var previous = previous
        previous.withUTF8 { update(UnsafeRawBufferPointer($0)) }
        withUnsafeBytes(of: UInt8(0x0A)) { update($0) }
        update(record)
    }
}
