import Crypto
import CryptoExtras
import Foundation
import MCPCore

/// A key that verifies JWS signatures of one algorithm family: an HS256 secret, an RSA public key
/// (RS256, at least 2048 bits) or a P-256 public key (ES256).
enum JWTKey: Sendable {
    case hmac(SymmetricKey)
    case rsa(_RSA.Signing.PublicKey)
    case p256(P256.Signing.PublicKey)

    /// The `alg` values this key may verify (the header's `alg` must be one, RFC 8725 §3.1).
    var algorithms: Set<String> {
        switch self {
        case .hmac: return ["HS256"]
        case .rsa: return ["RS256"]
        case .p256: return ["ES256"]
        }
    }

    func verifies(_ signature: [UInt8], of input: [UInt8]) -> Bool {
        switch self {
        case .hmac(let key):
            return HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: input, using: key)
        case .rsa(let key):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5)
        case .p256(let key):
            // JWS carries ES256 as raw R || S (64 bytes), not DER (RFC 7518 §3.4).
            guard signature.count == 64, let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: SHA256.hash(data: input))
        }
    }

    /// The signing keys of a JWKS document by `kid`: RSA (n, e) and EC P-256 (x, y); keys for
    /// encryption, of other types or RSA under 2048 bits are left out.
    static func keys(fromJWKS bytes: [UInt8]) throws -> [String: JWTKey] {
        let document = try JSONParser().parse(bytes)
        var keys: [String: JWTKey] = [:]
        for (index, jwk) in (document["keys"]?.arrayValue ?? []).enumerated() {
            if jwk["use"]?.stringValue == "enc" { continue }
            let kid = jwk["kid"]?.stringValue ?? "#\(index)"
            switch jwk["kty"]?.stringValue {
            case "RSA":
                guard let n = jwk["n"]?.stringValue.flatMap(Base64URL.decode), let e = jwk["e"]?.stringValue.flatMap(Base64URL.decode),
                    n.drop(while: { $0 == 0 }).count >= 256, let key = try? _RSA.Signing.PublicKey(n: n, e: e)
                else { continue }
                keys[kid] = .rsa(key)
            case "EC" where jwk["crv"]?.stringValue == "P-256":
                guard let x = jwk["x"]?.stringValue.flatMap(Base64URL.decode), let y = jwk["y"]?.stringValue.flatMap(Base64URL.decode),
                    let key = try? P256.Signing.PublicKey(rawRepresentation: x + y)
                else { continue }
                keys[kid] = .p256(key)
            default:
                continue
            }
        }
        return keys
    }
}
