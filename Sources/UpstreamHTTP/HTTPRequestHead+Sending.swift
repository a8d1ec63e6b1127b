import NIOHTTP1

extension HTTPRequestHead {
    /// Why this head cannot go on the wire as HTTP/1.1 (`nil` when it can): the same rules as
    /// NIO's outbound request validator (RFC 9110 tokens for the method and header names, no
    /// control character but HTAB in a value, only URL characters in the target), checked once
    /// here instead of in a pipeline handler on every pooled connection. The message names the
    /// header, never its value (values may be credentials).
    package var sendingProblem: String? {
        if case .RAW(let method) = method, method.isEmpty || !method.utf8.allSatisfy(Self.isTokenByte) {
            return "the method is not an HTTP token"
        }
        if !uri.utf8.allSatisfy({ PercentEncoding.isPathOrQueryByte($0) || "%#[]".utf8.contains($0) }) {
            return "the request target holds a character that must be percent-encoded"
        }
        for (name, value) in headers {
            if name.isEmpty || !name.utf8.allSatisfy(Self.isTokenByte) {
                return "header name '\(name.filter { $0.isASCII && !$0.isWhitespace && $0 != "\u{7F}" })' is not an HTTP token"
            }
            if !value.utf8.allSatisfy(Self.isValueByte) {
                return "header '\(name)' holds a control character (CR, LF...) in its value"
            }
        }
        return nil
    }

    /// RFC 9110 `tchar`: the unreserved URL characters and `!#$%&'*+^`|`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        PercentEncoding.isUnreserved(byte) || "!#$%&'*+^`|".utf8.contains(byte)
    }

    private static func isValueByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\t") || (byte >= 0x20 && byte != 0x7F)
    }
}
