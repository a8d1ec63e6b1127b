/// The gateway's own credentials for one upstream API. They are applied according to the
/// operation's security requirements and never shown to clients, in results, errors or logs.
public struct UpstreamCredentials: Sendable {
    /// A bearer token (for `http bearer`, OAuth 2 and OpenID Connect schemes).
    public var bearerToken: String?
    /// User and password for `http basic` schemes.
    public var basic: (user: String, password: String)?
    /// API key values by security scheme name; the key `*` applies to every apiKey scheme.
    public var apiKeys: [String: String]
    /// OAuth 2 client credentials; tokens are fetched, cached until expiry and refreshed.
    public var clientCredentials: OAuth2ClientCredentials?
    /// Headers sent on every request (e.g. `Authorization: Token token=…`).
    public var headers: [(name: String, value: String)]
    /// Caller headers that may be forwarded, optionally under another name. Nothing else of the caller's is ever sent.
    public var passthrough: [HeaderPassthrough]

    public init(
        bearerToken: String? = nil, basic: (user: String, password: String)? = nil, apiKeys: [String: String] = [:],
        clientCredentials: OAuth2ClientCredentials? = nil, headers: [(name: String, value: String)] = [],
        passthrough: [HeaderPassthrough] = []
    ) {
        self.bearerToken = bearerToken
        self.basic = basic
        self.apiKeys = apiKeys
        self.clientCredentials = clientCredentials
        self.headers = headers
        self.passthrough = passthrough
    }

    /// Every secret value, for scrubbing text that leaves the gateway.
    public var secrets: [String] {
        var values = [bearerToken, basic?.password, clientCredentials?.clientSecret].compactMap { $0 }
        values += apiKeys.values
        values += headers.map(\.value)
        return values.filter { $0.count >= 4 }
    }
}

/// OAuth 2 client-credentials grant settings.
public struct OAuth2ClientCredentials: Sendable {
    /// The token endpoint; when nil, the document's `clientCredentials.tokenUrl` is used.
    public var tokenURL: String?
    public var clientID: String
    public var clientSecret: String
    public var scopes: [String]

    public init(tokenURL: String? = nil, clientID: String, clientSecret: String, scopes: [String] = []) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
    }
}

/// One caller header the configuration allows through to the upstream.
public struct HeaderPassthrough: Sendable, Hashable {
    /// The caller's header name (case-insensitive).
    public var name: String
    /// The name to send it under (nil: the same).
    public var renameTo: String?

    public init(name: String, renameTo: String? = nil) {
        self.name = name
        self.renameTo = renameTo
    }
}
