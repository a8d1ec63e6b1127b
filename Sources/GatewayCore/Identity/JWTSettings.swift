/// JWT bearer tokens: who issues them, for whom, signed how, and which claim names the consumer.
public struct JWTSettings: Sendable {
    public var issuer: String
    /// Accepted `aud` values (at least one).
    public var audiences: [String]
    /// Accepted `alg` values (HS256, RS256, ES256); never `none`.
    public var algorithms: [String]
    /// The HS256 shared secret (at least 32 bytes).
    public var secret: String?
    /// A JWKS file, or a URL fetched at start and again on an unknown `kid`.
    public var jwksFile: String?
    public var jwksURL: String?
    /// The claim whose value is the consumer's name (`sub` by default).
    public var consumerClaim: String
    /// A claim listing the caller's groups (an array of strings), if any.
    public var groupsClaim: String?
    /// Allowed clock skew for `exp` and `nbf`.
    public var leeway: Duration
    /// RFC 9728 metadata: the authorization servers MCP clients are sent to, and the scopes.
    public var authorizationServers: [String]
    public var scopes: [String]

    public init(
        issuer: String, audiences: [String], algorithms: [String], secret: String? = nil, jwksFile: String? = nil, jwksURL: String? = nil,
        consumerClaim: String = "sub", groupsClaim: String? = nil, leeway: Duration = .seconds(60), authorizationServers: [String] = [], scopes: [String] = []
    ) {
        self.issuer = issuer
        self.audiences = audiences
        self.algorithms = algorithms
        self.secret = secret
        self.jwksFile = jwksFile
        self.jwksURL = jwksURL
        self.consumerClaim = consumerClaim
        self.groupsClaim = groupsClaim
        self.leeway = leeway
        self.authorizationServers = authorizationServers
        self.scopes = scopes
    }
}
