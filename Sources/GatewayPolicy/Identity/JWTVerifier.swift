import Crypto
import Foundation
import GatewayCore
import MCPCore
import Synchronization

/// Verifies JWT bearer tokens as RFC 8725 asks: size capped, `alg` from the configured allow-list
/// and bound to the key (never `none`), the key chosen by `kid` (a JWKS fetched again, at most
/// every 30 s, when a `kid` is unknown), then `iss` exactly, `aud` among the accepted audiences,
/// `exp` required and `nbf` honoured, with leeway. Verified tokens are remembered (by digest)
/// until they expire, so a client's every request does not pay a signature check.
public final class JWTVerifier: Sendable {
    /// Fetches a JWKS URL (injected: the policy layer does no I/O of its own).
    public typealias Fetch = @Sendable (URL) async throws -> [UInt8]

    let settings: JWTSettings
    private let fetch: Fetch?
    private let keys: Mutex<(byKID: [String: JWTKey], fetchedAt: ContinuousClock.Instant?)>
    private let verified = Mutex<[String: (claims: JSONObject, expires: Date)]>([:])

    public init(_ settings: JWTSettings, fetch: Fetch? = nil) throws(GatewayError) {
        self.settings = settings
        self.fetch = fetch
        var initial: [String: JWTKey] = [:]
        if let secret = settings.secret {
            guard secret.utf8.count >= 32 else { throw GatewayError(.configuration, "the JWT secret must be at least 32 bytes (RFC 7518 §3.2)") }
            initial[""] = .hmac(SymmetricKey(data: Array(secret.utf8)))
        }
        if let file = settings.jwksFile {
            guard let data = FileManager.default.contents(atPath: file) else { throw GatewayError(.configuration, "cannot read the JWKS file \(file)") }
            do {
                for (kid, key) in try JWTKey.keys(fromJWKS: Array(data)) { initial[kid] = key }
            } catch {
                throw GatewayError(.configuration, "the JWKS file \(file) is not JSON: \(error)")
            }
        }
        keys = Mutex((initial, nil))
    }

    /// The token's claims, or why it is refused (never naming more than the failed check).
    public func verify(_ token: String, now: Date = Date()) async throws(GatewayError) -> JSONObject {
        let digest = ConsumerDirectory.digest(token)
        if let hit = verified.withLock({ $0[digest] }), hit.expires > now { return hit.claims }
        guard token.utf8.count <= 8192 else { throw Self.invalid("the token is larger than 8 KiB") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let header = try? JSONParser().parse(headerBytes).objectValue,
            let payloadBytes = Base64URL.decode(parts[1]), let claims = try? JSONParser().parse(payloadBytes).objectValue,
            let signature = Base64URL.decode(parts[2])
        else { throw Self.invalid("the token is not a well-formed JWS") }
        guard let alg = header["alg"]?.stringValue, alg != "none", settings.algorithms.contains(alg) else {
            throw Self.invalid("the token's algorithm is not accepted")
        }
        let kid = header["kid"]?.stringValue
        guard let key = try await key(kid: kid, alg: alg), key.algorithms.contains(alg) else { throw Self.invalid("no key matches the token") }
        guard key.verifies(signature, of: Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))) else {
            throw Self.invalid("the signature does not verify")
        }
        try check(claims, now: now)
        let expires = Date(timeIntervalSince1970: claims["exp"]?.doubleValue ?? 0)
        verified.withLock { cache in
            if cache.count >= 10_000 { cache.removeAll() }
            cache[digest] = (claims, expires)
        }
        return claims
    }

    private func check(_ claims: JSONObject, now: Date) throws(GatewayError) {
        let leeway = Double(settings.leeway.components.seconds)
        guard claims["iss"]?.stringValue == settings.issuer else { throw Self.invalid("the token's issuer is not accepted") }
        let audiences: [String]
        switch claims["aud"] {
        case .string(let one)?: audiences = [one]
        case .array(let many)?: audiences = many.compactMap(\.stringValue)
        default: audiences = []
        }
        guard audiences.contains(where: settings.audiences.contains) else { throw Self.invalid("the token is not meant for this gateway (aud)") }
        guard let exp = claims["exp"]?.doubleValue else { throw Self.invalid("the token has no expiry (exp)") }
        guard now.timeIntervalSince1970 - leeway < exp else { throw Self.invalid("the token has expired") }
        if let nbf = claims["nbf"]?.doubleValue, now.timeIntervalSince1970 + leeway < nbf { throw Self.invalid("the token is not valid yet (nbf)") }
    }

    /// The key for `kid` (the secret for HS256); an unknown `kid` refetches the JWKS URL once per 30 s.
    private func key(kid: String?, alg: String) async throws(GatewayError) -> JWTKey? {
        if alg == "HS256" { return keys.withLock { $0.byKID[""] } }
        if let found = lookup(kid) { return found }
        guard let fetch, let address = settings.jwksURL, let url = URL(string: address) else { return nil }
        let due = keys.withLock { state -> Bool in
            guard let at = state.fetchedAt else { return true }
            return at.duration(to: .now) > .seconds(30)
        }
        guard due else { return nil }
        keys.withLock { $0.fetchedAt = .now }
        guard let bytes = try? await fetch(url), let fetched = try? JWTKey.keys(fromJWKS: bytes) else { return nil }
        keys.withLock { state in
            for (id, key) in fetched { state.byKID[id] = key }
        }
        return lookup(kid)
    }

    private func lookup(_ kid: String?) -> JWTKey? {
        keys.withLock { state in
            if let kid { return state.byKID[kid] }
            let signing = state.byKID.filter { !$0.key.isEmpty }
            return signing.count == 1 ? signing.first?.value : nil
        }
    }

    static func invalid(_ why: String) -> GatewayError {
        GatewayError(.unauthenticated, "invalid bearer token: \(why)")
    }
}
