import Foundation
import UpstreamHTTP

/// A request URL read once, for the host check and the connection: a plain `http://` URL in the
/// shape the request builder makes (an ASCII host name or IPv4 address, an optional port, a path
/// and query of URL characters) is split directly; anything else is read by `URLComponents`,
/// which handles every other form (IPv6 literals, user info, international names, `https`; the
/// pool sends those too, except URLs with user info).
struct UpstreamURL {
    /// The lower-case scheme and host (`nil` when the URL has none).
    var scheme: String?
    var host: String?
    /// Where the pool sends it; `nil` for URLs AsyncHTTPClient sends (user info in the URL).
    var plain: PlainHTTPTarget?

    init(_ url: String) {
        if let plain = Self.split(url) {
            scheme = "http"
            host = plain.origin.host.lowercased()
            self.plain = plain
            return
        }
        let components = URLComponents(string: url)
        scheme = components?.scheme?.lowercased()
        host = components?.host?.lowercased()
        plain = PlainHTTPTarget(components)
    }

    /// The direct split of `http://host[:port][/path][?query]`, or `nil` when the URL has any other
    /// shape (then `URLComponents` reads it).
    static func split(_ url: String) -> PlainHTTPTarget? {
        let bytes = Array(url.utf8)
        let scheme = Array("http://".utf8)
        guard bytes.count > scheme.count, bytes[..<scheme.count].elementsEqual(scheme) else { return nil }
        let authorityEnd = bytes[scheme.count...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.count
        let authority = bytes[scheme.count..<authorityEnd]
        let colon = authority.firstIndex(of: UInt8(ascii: ":"))
        let hostBytes = authority[..<(colon ?? authority.endIndex)]
        guard !hostBytes.isEmpty, hostBytes.allSatisfy(isHostByte) else { return nil }
        var port = 80
        if let colon {
            let digits = authority[(colon + 1)...]
            guard (1...5).contains(digits.count), digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                let number = Int(String(decoding: digits, as: UTF8.self)), (1...65535).contains(number)
            else { return nil }
            port = number
        }
        let rest = bytes[authorityEnd...]
        guard isRequestTarget(rest) else { return nil }
        let host = String(decoding: hostBytes, as: UTF8.self)
        let target = String(decoding: rest, as: UTF8.self)
        let requestTarget = target.isEmpty || target.utf8.first == UInt8(ascii: "?") ? "/" + target : target
        return PlainHTTPTarget(origin: HTTP1Origin(host: host, port: port), requestTarget: requestTarget)
    }

    /// Letters, digits, `.` and `-`: a DNS name or an IPv4 address.
    private static func isHostByte(_ byte: UInt8) -> Bool {
        PercentEncoding.isUnreserved(byte) && byte != UInt8(ascii: "_") && byte != UInt8(ascii: "~")
    }

    /// A path and query made of URL characters only (RFC 3986 `pchar`, `/`, `?`, and `%` with two
    /// hex digits); no fragment.
    private static func isRequestTarget(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, PercentEncoding.isHexDigit(bytes[index + 1]), PercentEncoding.isHexDigit(bytes[index + 2])
                else { return false }
                index += 3
                continue
            }
            guard PercentEncoding.isPathOrQueryByte(byte) else { return false }
            index += 1
        }
        return true
    }
}
