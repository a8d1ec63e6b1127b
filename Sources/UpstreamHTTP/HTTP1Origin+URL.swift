import Foundation

extension HTTP1Origin {
    /// Where an `http://` or `https://` URL goes (its origin, brackets removed from an IPv6
    /// literal, the scheme's port by default) and what it asks for (the percent-encoded path and
    /// query, `/` for an empty path; no fragment); nil for any other URL, or one with user info,
    /// which the pool does not send.
    public static func split(_ components: URLComponents) -> (origin: HTTP1Origin, requestTarget: String)? {
        guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            components.user == nil, components.password == nil, var host = components.host, !host.isEmpty
        else { return nil }
        let tls = scheme == "https"
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        let target = components.percentEncodedQuery.map { path + "?" + $0 } ?? path
        return (HTTP1Origin(host: host, port: components.port ?? (tls ? 443 : 80), tls: tls), target)
    }
}
