import Foundation

/// A plain `http://` URL split for the connection pool: where to connect and what to ask for.
/// `nil` for anything else (`https://`, user info in the URL), which AsyncHTTPClient sends. The
/// URL is read with `URLComponents`, the parser the host check uses, so both see the same host.
struct PlainHTTPTarget {
    var origin: HTTP1Origin
    /// The percent-encoded path and query (`/` when the path is empty); the fragment is not sent.
    var requestTarget: String

    init?(_ url: String) {
        guard url.utf8.starts(with: "http://".utf8) || url.lowercased().hasPrefix("http://"),
            let components = URLComponents(string: url), components.user == nil, components.password == nil,
            var host = components.host, !host.isEmpty
        else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        requestTarget = components.percentEncodedQuery.map { path + "?" + $0 } ?? path
        origin = HTTP1Origin(host: host, port: components.port ?? 80)
    }
}
