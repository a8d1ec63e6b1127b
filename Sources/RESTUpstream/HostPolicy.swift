import Foundation
import Synchronization

/// The SSRF guard: a tool call may reach only the hosts its server's configuration or document
/// declares, and never a private, loopback or link-local address unless the configuration names
/// that host (a `--base-url` counts as configuration).
public final class HostPolicy: Sendable {
    /// Hosts (lower-case) requests may go to.
    public let allowedHosts: Set<String>
    /// Hosts (lower-case) that may be private or loopback addresses.
    public let configuredHosts: Set<String>
    private let resolved = Mutex<[String: Bool]>([:])

    public init(allowedHosts: Set<String>, configuredHosts: Set<String>) {
        self.allowedHosts = Set(allowedHosts.map { $0.lowercased() })
        self.configuredHosts = Set(configuredHosts.map { $0.lowercased() })
    }

    /// The lower-case host of a URL.
    public static func host(of url: String) -> String? {
        URLComponents(string: url)?.host?.lowercased()
    }

    /// Refuses a URL whose host is not allowed, or that is (or resolves to) a private address
    /// without being configured.
    func check(_ url: UpstreamURL) throws(RequestBuildError) {
        guard let host = url.host, let scheme = url.scheme, scheme == "http" || scheme == "https" else {
            throw RequestBuildError("the upstream URL is not an http(s) URL")
        }
        guard allowedHosts.contains(host) else {
            throw RequestBuildError("host '\(host)' is not declared by this server's document or configuration")
        }
        if configuredHosts.contains(host) { return }
        if isPrivate(host) {
            throw RequestBuildError("host '\(host)' is a private, loopback or link-local address; allow it in the configuration to call it")
        }
    }

    private func isPrivate(_ host: String) -> Bool {
        if let cached = resolved.withLock({ $0[host] }) { return cached }
        let verdict = Self.addresses(of: host).contains(where: Self.isPrivateAddress)
        resolved.withLock { $0[host] = verdict }
        return verdict
    }

    /// IPv4 and IPv6 addresses of a host name or literal, as text.
    static func addresses(of host: String) -> [String] {
        let literal = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(literal, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(list) }
        var result: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                result.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            cursor = entry.pointee.ai_next
        }
        return result
    }

    /// Loopback, RFC 1918, link-local, CGNAT, unspecified, and IPv6 loopback/link-local/unique-local.
    public static func isPrivateAddress(_ address: String) -> Bool {
        let lowered = address.lowercased()
        if lowered.contains(":") {
            if lowered.hasPrefix("::ffff:") { return isPrivateAddress(String(lowered.dropFirst(7))) }
            return lowered == "::1" || lowered == "::" || lowered.hasPrefix("fe8") || lowered.hasPrefix("fe9") || lowered.hasPrefix("fea")
                || lowered.hasPrefix("feb") || lowered.hasPrefix("fc") || lowered.hasPrefix("fd")
        }
        let parts = lowered.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 4 else { return false }
        switch (parts[0], parts[1]) {
        case (0, _), (10, _), (127, _): return true
        case (169, 254), (192, 168): return true
        case (172, 16...31): return true
        case (100, 64...127): return true
        default: return false
        }
    }
}
