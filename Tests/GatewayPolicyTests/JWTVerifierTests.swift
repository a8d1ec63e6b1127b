import Crypto
import CryptoExtras
import Foundation
import GatewayCore
import GatewayPolicy
import MCPCore
import Synchronization
import Testing

/// JWT checks in RFC 8725's order, for HS256, RS256 and ES256 keys.
@Suite("JWT verification")
struct JWTVerifierTests {
    static let secret = "a-shared-secret-of-at-least-32-bytes!"
    static let settings = JWTSettings(issuer: "https://auth.example.com", audiences: ["toolgate"], algorithms: ["HS256"], secret: secret)

    static func base64url(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func claims(_ changes: JSONObject = [:]) -> JSONObject {
        var claims: JSONObject = ["iss": "https://auth.example.com", "aud": "toolgate", "sub": "alice", "exp": .int(Int64(Date().timeIntervalSince1970) + 300)]
        for (key, value) in changes { claims[key] = value }
        return claims
    }

    /// A token signed by `sign` over `header.payload`.
    static func token(_ header: JSONObject, _ claims: JSONObject, sign: ([UInt8]) throws -> [UInt8]) rethrows -> String {
        let input = base64url(JSONValue.object(header).serializedBytes()) + "." + base64url(JSONValue.object(claims).serializedBytes())
        return input + "." + base64url(try sign(Array(input.utf8)))
    }

    static func hs256(_ claims: JSONObject, secret: String = secret) -> String {
        token(["alg": "HS256", "typ": "JWT"], claims) { Array(HMAC<SHA256>.authenticationCode(for: $0, using: SymmetricKey(data: Array(secret.utf8)))) }
    }

    func refusal(_ verifier: JWTVerifier, _ token: String) async -> String? {
        do {
            _ = try await verifier.verify(token)
            return nil
        } catch {
            #expect(error.code == .unauthenticated)
            return error.message
        }
    }

    @Test("an HS256 token with the right issuer, audience and times is accepted; its claims come back")
    func accepted() async throws {
        let claims = try await JWTVerifier(Self.settings).verify(Self.hs256(Self.claims(["groups": ["support"]])))
        #expect(claims["sub"] == "alice" && claims["groups"] == ["support"])
    }

    @Test("each failed check refuses the token, naming only that check", arguments: [
        ("bad signature", "the signature does not verify"),
        ("wrong audience", "not meant for this gateway"),
        ("wrong issuer", "issuer is not accepted"),
        ("expired", "has expired"),
        ("not yet valid", "not valid yet"),
        ("no expiry", "no expiry"),
        ("alg none", "algorithm is not accepted"),
        ("garbage", "not a well-formed JWS"),
    ])
    func refused(case name: String, message: String) async throws {
        let now = Int64(Date().timeIntervalSince1970)
        let token: String
        switch name {
        case "bad signature": token = Self.hs256(Self.claims(), secret: "another-secret-of-at-least-32-bytes!!")
        case "wrong audience": token = Self.hs256(Self.claims(["aud": ["someone-else"]]))
        case "wrong issuer": token = Self.hs256(Self.claims(["iss": "https://auth.example.com/"]))
        case "expired": token = Self.hs256(Self.claims(["exp": .int(now - 120)]))
        case "not yet valid": token = Self.hs256(Self.claims(["nbf": .int(now + 600)]))
        case "no expiry":
            var claims = Self.claims()
            claims.removeValue(forKey: "exp")
            token = Self.hs256(claims)
        case "alg none": token = Self.token(["alg": "none"], Self.claims()) { _ in [] }
        default: token = "not.a.token"
        }
        let message_ = await refusal(try JWTVerifier(Self.settings), token)
        #expect(message_?.contains(message) == true, "\(message_ ?? "accepted")")
    }

    @Test("leeway: a token expired 30 s ago passes with the default 60 s")
    func leeway() async throws {
        let token = Self.hs256(Self.claims(["exp": .int(Int64(Date().timeIntervalSince1970) - 30)]))
        #expect(try await JWTVerifier(Self.settings).verify(token)["sub"] == "alice")
    }

    @Test("RS256 and ES256 keys from a JWKS, chosen by kid; an HS256 token is refused by a JWKS issuer")
    func asymmetric() async throws {
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let ec = P256.Signing.PrivateKey()
        let primitives = try rsa.publicKey.getKeyPrimitives()
        let jwks: JSONValue = ["keys": [
            ["kty": "RSA", "kid": "r1", "n": .string(Self.base64url(primitives.modulus)), "e": .string(Self.base64url(primitives.publicExponent))],
            ["kty": "EC", "kid": "e1", "crv": "P-256", "x": .string(Self.base64url(ec.publicKey.rawRepresentation.prefix(32))),
             "y": .string(Self.base64url(ec.publicKey.rawRepresentation.suffix(32)))],
        ]]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("jwks-\(UUID().uuidString).json")
        try Data(jwks.serializedBytes()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let settings = JWTSettings(issuer: "https://auth.example.com", audiences: ["toolgate"], algorithms: ["RS256", "ES256"], jwksFile: file.path)
        let verifier = try JWTVerifier(settings)
        let rs = try Self.token(["alg": "RS256", "kid": "r1"], Self.claims()) { input in
            Array(try rsa.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
        }
        let es = try Self.token(["alg": "ES256", "kid": "e1"], Self.claims(["sub": "bob"])) { input in
            Array(try ec.signature(for: SHA256.hash(data: input)).rawRepresentation)
        }
        #expect(try await verifier.verify(rs)["sub"] == "alice")
        #expect(try await verifier.verify(es)["sub"] == "bob")
        let swapped = try Self.token(["alg": "ES256", "kid": "r1"], Self.claims()) { input in Array(try ec.signature(for: SHA256.hash(data: input)).rawRepresentation) }
        #expect(await refusal(verifier, swapped)?.contains("no key matches") == true, "an ES256 token naming an RSA key")
        #expect(await refusal(verifier, Self.hs256(Self.claims()))?.contains("algorithm is not accepted") == true)
    }

    @Test("an unknown kid fetches the JWKS URL again (at most once per 30 s)")
    func refetch() async throws {
        let ec = P256.Signing.PrivateKey()
        let fetches = Mutex(0)
        let jwks: JSONValue = ["keys": [["kty": "EC", "kid": "new", "crv": "P-256", "x": .string(Self.base64url(ec.publicKey.rawRepresentation.prefix(32))),
                                          "y": .string(Self.base64url(ec.publicKey.rawRepresentation.suffix(32)))]]]
        let settings = JWTSettings(issuer: "https://auth.example.com", audiences: ["toolgate"], algorithms: ["ES256"], jwksURL: "https://auth.example.com/jwks")
        let verifier = try JWTVerifier(settings) { _ in
            fetches.withLock { $0 += 1 }
            return jwks.serializedBytes()
        }
        let good = try Self.token(["alg": "ES256", "kid": "new"], Self.claims()) { input in Array(try ec.signature(for: SHA256.hash(data: input)).rawRepresentation) }
        #expect(try await verifier.verify(good)["sub"] == "alice")
        let unknown = try Self.token(["alg": "ES256", "kid": "other"], Self.claims()) { input in Array(try ec.signature(for: SHA256.hash(data: input)).rawRepresentation) }
        #expect(await refusal(verifier, unknown)?.contains("no key matches") == true)
        #expect(fetches.withLock { $0 } == 1, "the second unknown kid came within 30 s of the first fetch")
    }
}
