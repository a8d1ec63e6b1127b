import GatewayCore
import MCPCore

/// Resolves a caller's credentials to an `Identity`: a gateway API key (by digest, from
/// `Authorization: Bearer`, `x-api-key` or the configured header) or a JWT (three dot-separated
/// parts, told apart by form, not by trial verification). Used by the authentication policy for
/// every call and by the HTTP routes to answer 401 before a session starts.
public struct Authenticator: Sendable {
    public let directory: ConsumerDirectory
    let jwt: JWTVerifier?

    public init(directory: ConsumerDirectory, fetch: JWTVerifier.Fetch? = nil) throws(GatewayError) {
        self.directory = directory
        self.jwt = try directory.settings.auth.jwt.map { settings throws(GatewayError) in try JWTVerifier(settings, fetch: fetch) }
    }

    public var required: Bool { directory.settings.authenticationRequired }

    /// The caller's identity; anonymous when it brought nothing and authentication is optional.
    public func identify(headers: [(name: String, value: String)]) async throws(GatewayError) -> Identity {
        try await identify(credentials(CallerCredentials(headers: headers), headers: headers))
    }

    /// `credentials` with the key of the configured header (`auth.header`) when it brings none.
    func credentials(_ credentials: CallerCredentials, headers: [(name: String, value: String)]) -> CallerCredentials {
        guard let header = directory.settings.auth.header, credentials.apiKey == nil else { return credentials }
        var credentials = credentials
        credentials.apiKey = MCPReceiveContext(headers: headers).value(of: header.lowercased()).map { CallerCredentials.trimmed($0.utf8[...]) }
        return credentials
    }

    public func identify(_ credentials: CallerCredentials) async throws(GatewayError) -> Identity {
        guard let presented = credentials.bearer ?? credentials.apiKey, !presented.isEmpty else {
            guard !required else { throw challenge(GatewayError(.unauthenticated, "authentication is required: send an API key (Authorization: Bearer or x-api-key)")) }
            return .anonymous
        }
        if !required, directory.settings.consumers.isEmpty, jwt == nil { return .anonymous }
        if let jwt, Self.looksLikeJWT(presented) {
            do throws(GatewayError) {
                let claims = try await jwt.verify(presented)
                guard let name = claims[jwt.settings.consumerClaim]?.stringValue, !name.isEmpty else {
                    throw JWTVerifier.invalid("the token has no '\(jwt.settings.consumerClaim)' claim")
                }
                let groups = jwt.settings.groupsClaim.flatMap { claims[$0]?.arrayValue?.compactMap(\.stringValue) } ?? []
                return directory.identity(named: name, extraGroups: groups)
            } catch {
                throw challenge(error, invalidToken: true)
            }
        }
        guard let identity = directory.consumer(forKey: presented) else {
            throw challenge(GatewayError(.unauthenticated, "the API key is not valid"), invalidToken: true)
        }
        return identity
    }

    /// The 401 with its `WWW-Authenticate` challenge (RFC 6750 §3; no `error` when nothing was sent).
    func challenge(_ error: GatewayError, invalidToken: Bool = false) -> GatewayError {
        var error = error
        var value = #"Bearer realm="toolgate""#
        if invalidToken { value += #", error="invalid_token""# }
        error.extraHeaders.append(("WWW-Authenticate", value))
        return error
    }

    static func looksLikeJWT(_ token: String) -> Bool {
        token.utf8.count > 20 && token.utf8.filter { $0 == UInt8(ascii: ".") }.count == 2 && token.hasPrefix("ey")
    }
}
