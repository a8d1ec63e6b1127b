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
        var data = Data(previous.utf8)
        data.append(0x0A)
        data.append(contentsOf: record.utf8)
        if let key {
            return Hex.encode(Array(HMAC<SHA256>.authenticationCode(for: data, using: key)))
        }
        return Hex.encode(Array(SHA256.hash(data: data)))
    }
}
