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
        // Fed to the hash as they are (no joined copy): the previous hash, a line feed, the record.
        var previous = previous, record = record
        if let key {
            var code = HMAC<SHA256>(key: key)
            previous.withUTF8 { code.update(data: $0) }
            code.update(data: [0x0A])
            record.withUTF8 { code.update(data: $0) }
            return Hex.encode(Array(code.finalize()))
        }
        var hasher = SHA256()
        previous.withUTF8 { hasher.update(data: $0) }
        hasher.update(data: [0x0A])
        record.withUTF8 { hasher.update(data: $0) }
        return Hex.encode(Array(hasher.finalize()))
    }
}
