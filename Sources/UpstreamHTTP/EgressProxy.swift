import Foundation

/// The proxy outbound connections go through, as `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY`
/// say: plain `http://` requests are sent to the HTTP proxy in absolute form, `https://` ones
/// are tunnelled through the HTTPS proxy with `CONNECT` (TLS runs end to end inside the tunnel).
public struct EgressProxy: Sendable, Hashable {
    /// One proxy server (reached over plain HTTP).
    public struct Endpoint: Sendable, Hashable {
        public var host: String
        public var port: Int
        /// `Proxy-Authorization` value (`Basic …`) when the proxy URL carried a user.
        public var authorization: String?

        public init(host: String, port: Int, authorization: String? = nil) {
            self.host = host
            self.port = port
            self.authorization = authorization
        }

        /// Reads `http://[user:password@]host[:port]` (a bare `host:port` is taken as http).
        /// Other schemes (a TLS connection to the proxy itself) are not supported: nil.
        public init?(url text: String) {
            let text = text.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return nil }
            guard let components = URLComponents(string: text.contains("://") ? text : "http://" + text),
                components.scheme?.lowercased() == "http", var host = components.host, !host.isEmpty
            else { return nil }
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            self.host = host
            self.port = components.port ?? 80
            if let user = components.user {
                let credentials = "\(user.removingPercentEncoding ?? user):\(components.password?.removingPercentEncoding ?? "")"
                authorization = "Basic " + Data(credentials.utf8).base64EncodedString()
            }
        }
    }

    /// For `http://` origins.
    public var http: Endpoint?
    /// For `https://` origins (tunnelled).
    public var https: Endpoint?
    /// Hosts reached directly: exact names, domain suffixes (`example.com`, `.example.com` and
    /// `*.example.com` all cover `api.example.com`), IP literals, or `*` for all.
    public var noProxy: [String]
    /// Loopback hosts (`localhost`, `127.0.0.0/8`, `::1`) are reached directly unless this is false.
    public var bypassLoopback: Bool

    public init(http: Endpoint? = nil, https: Endpoint? = nil, noProxy: [String] = [], bypassLoopback: Bool = true) {
        self.http = http
        self.https = https
        self.noProxy = noProxy.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        self.bypassLoopback = bypassLoopback
    }

    /// The proxy the environment names (lower-case variables win over upper-case ones, as curl
    /// reads them), or nil when it names none.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> EgressProxy? {
        func value(_ name: String) -> String? { environment[name.lowercased()] ?? environment[name] }
        let proxy = EgressProxy(
            http: value("HTTP_PROXY").flatMap(Endpoint.init(url:)), https: value("HTTPS_PROXY").flatMap(Endpoint.init(url:)),
            noProxy: (value("NO_PROXY") ?? "").split(separator: ",").map(String.init)
        )
        return proxy.http == nil && proxy.https == nil ? nil : proxy
    }

    /// The proxy to use for `origin`, or nil to connect directly.
    public func endpoint(for origin: HTTP1Origin) -> Endpoint? {
        guard let endpoint = origin.tls ? https : http else { return nil }
        let host = origin.host.lowercased()
        if bypassLoopback, host == "localhost" || host.hasPrefix("127.") || host == "::1" { return nil }
        for entry in noProxy {
            if entry == "*" { return nil }
            let domain = entry.hasPrefix("*.") ? String(entry.dropFirst(2)) : entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            if host == domain || host.hasSuffix("." + domain) { return nil }
        }
        return endpoint
    }
}
