import MCPCore

/// A security scheme of the document (`components/securitySchemes`), reduced to what the
/// gateway needs to authenticate to the upstream.
public enum SecurityScheme: Sendable, Hashable {
    /// An API key sent in a header, the query or a cookie under `name`.
    case apiKey(name: String, location: ParameterLocation)
    /// HTTP `Authorization: Bearer …`.
    case bearer
    /// HTTP `Authorization: Basic …`.
    case basic
    /// OAuth 2; `tokenURL` of the client-credentials flow when the document declares one.
    case oauth2(tokenURL: String?)
    /// OpenID Connect (a bearer token).
    case openIDConnect
    /// Anything else (mutual TLS, unknown types): not applied by the gateway.
    case unsupported(String)

    init(_ value: JSONValue) {
        switch value["type"]?.stringValue?.lowercased() {
        case "apikey":
            let location = ParameterLocation(rawValue: value["in"]?.stringValue ?? "header") ?? .header
            self = .apiKey(name: value["name"]?.stringValue ?? "X-API-Key", location: location)
        case "http":
            switch value["scheme"]?.stringValue?.lowercased() {
            case "bearer": self = .bearer
            case "basic": self = .basic
            case let other: self = .unsupported("http \(other ?? "")")
            }
        case "oauth2":
            self = .oauth2(tokenURL: value["flows"]?["clientCredentials"]?["tokenUrl"]?.stringValue)
        case "openidconnect":
            self = .openIDConnect
        case let other:
            self = .unsupported(other ?? "")
        }
    }
}
