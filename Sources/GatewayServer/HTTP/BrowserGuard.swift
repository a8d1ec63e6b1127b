import HTTPTypes
import Hummingbird

/// What a browser may reach: the `Host` check against DNS rebinding (a page whose name resolves
/// to the gateway's address would otherwise call it as its own origin and read the answers) and
/// the `Origin` check against cross-site calls, with the CORS headers for the origins allowed.
/// Loopback names and origins are always allowed; callers that are not browsers send no
/// `Origin` and name the host they dialled. Shared by the MCP endpoints and the model routes.
public struct BrowserGuard: Sendable {
    /// Origins (`scheme://host[:port]`) that browsers may call from, beside loopback ones.
    public var allowedOrigins: Set<String>
    /// Host names the `Host` header may carry, beside loopback ones.
    public var allowedHosts: Set<String>

    public init(allowedOrigins: Set<String> = [], allowedHosts: Set<String> = []) {
        self.allowedOrigins = allowedOrigins
        self.allowedHosts = allowedHosts
    }

    static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "[::1]", "::1"]

    /// What to tell an operator whose listener on `listenHost` is reachable beyond loopback while
    /// no `allowedHosts` are listed: every request naming another host would be refused. Nil when
    /// there is nothing to say.
    public static func listenerWarning(listenHost: String, allowedHosts: some Collection<String>) -> String? {
        guard allowedHosts.isEmpty, !loopbackHosts.contains(listenHost.lowercased()), !listenHost.hasPrefix("127.") else { return nil }
        return "the listener is bound to \(listenHost), beyond loopback, and http.allowed_hosts is empty: requests whose Host header "
            + "names anything but 127.0.0.1, localhost or [::1] are refused (421); list the names clients use in http.allowed_hosts"
    }

    /// Why `request`, whose `Origin` header the caller read (it needs it again for CORS), is
    /// refused (421 for a host that is not served, 403 for an origin that is not allowed), or nil.
    public func refusal(_ request: Request, origin: String?) -> (status: HTTPResponse.Status, message: String)? {
        if let authority = request.head.authority, !serves(authority: authority) {
            return (.misdirectedRequest, "Host '\(Self.hostName(authority))' is not served here (a name other than loopback must be listed in http.allowed_hosts)")
        }
        if let origin, !isAllowed(origin: origin) {
            return (.forbidden, "Origin '\(origin)' is not allowed (a browser origin other than loopback must be listed in http.allowed_origins)")
        }
        return nil
    }

    /// Whether the `Host` header's `host[:port]` names loopback or an allowed host; the usual
    /// loopback names are matched as they come (no copy on every request).
    func serves(authority: String) -> Bool {
        let host = authority.firstIndex(of: ":").map { authority[..<$0] } ?? authority[...]
        if host == "127.0.0.1" || host == "localhost" { return true }
        let name = Self.hostName(authority)
        return Self.loopbackHosts.contains(name) || allowedHosts.contains(name)
    }

    func isAllowed(origin: String) -> Bool {
        if allowedOrigins.contains(origin) { return true }
        guard let components = origin.split(separator: "/").dropFirst().first else { return false }
        return Self.loopbackHosts.contains(Self.hostName(String(components)))
    }

    /// `host[:port]` → host (IPv6 literals keep their brackets).
    static func hostName(_ authority: String) -> String {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") { return String(authority[...end]).lowercased() }
        return String(authority.split(separator: ":").first ?? "").lowercased()
    }

    /// The CORS headers for an allowed `origin`: the answer may be read by the page, with the
    /// `exposed` headers, and the request may use `methods` and `headers`.
    public static func allowCORS(_ response: inout Response, origin: String, methods: String, headers: String, exposed: String) {
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[values: .vary] = ["Origin"]
        response.headers[.accessControlExposeHeaders] = exposed
        response.headers[.accessControlAllowMethods] = methods
        response.headers[.accessControlAllowHeaders] = headers
    }
}
