/// RFC 3986 `URI` (absolute, with a scheme): `scheme ":" hier-part ["?" query] ["#" fragment]`,
/// percent escapes checked, an authority's host a bracketed IP literal or a registered name and
/// its port digits. One trailing line feed is tolerated, as the reference validator's `$` does.
enum URIGrammar {
    static func isURI(_ input: [UInt8]) -> Bool {
        var bytes = input[...]
        if bytes.last == 0x0A { bytes.removeLast() }
        guard let colon = bytes.firstIndex(of: 0x3A), colon > bytes.startIndex, isAlpha(bytes[bytes.startIndex]),
            bytes[bytes.startIndex..<colon].allSatisfy({ isAlpha($0) || StringFormat.isDigit($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
        else { return false }
        var rest = bytes[(colon + 1)...]
        if let hash = rest.firstIndex(of: 0x23) {
            guard isQuery(rest[(hash + 1)...]) else { return false }
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: 0x3F) {
            guard isQuery(rest[(question + 1)...]) else { return false }
            rest = rest[..<question]
        }
        if rest.starts(with: [0x2F, 0x2F]) {
            let afterSlashes = rest.dropFirst(2)
            let end = afterSlashes.firstIndex(of: 0x2F) ?? afterSlashes.endIndex
            return isAuthority(afterSlashes[..<end]) && isPath(afterSlashes[end...])
        }
        return isPath(rest)
    }

    private static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        isAlpha(byte) || StringFormat.isDigit(byte) || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
    }

    private static func isSubDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D: return true
        default: return false
        }
    }

    /// Every byte is allowed by `allowed` or starts a `%XX` escape.
    private static func consists(_ bytes: ArraySlice<UInt8>, of allowed: (UInt8) -> Bool) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == 0x25 {
                guard index + 2 < bytes.endIndex, StringFormat.isHex(bytes[index + 1]), StringFormat.isHex(bytes[index + 2]) else {
                    return false
                }
                index += 3
            } else {
                guard allowed(bytes[index]) else { return false }
                index += 1
            }
        }
        return true
    }

    private static func isPathCharacter(_ byte: UInt8) -> Bool {
        isUnreserved(byte) || isSubDelimiter(byte) || byte == 0x3A || byte == 0x40
    }

    private static func isPath(_ bytes: ArraySlice<UInt8>) -> Bool {
        consists(bytes) { isPathCharacter($0) || $0 == 0x2F }
    }

    private static func isQuery(_ bytes: ArraySlice<UInt8>) -> Bool {
        consists(bytes) { isPathCharacter($0) || $0 == 0x2F || $0 == 0x3F }
    }

    private static func isAuthority(_ authority: ArraySlice<UInt8>) -> Bool {
        var hostPort = authority
        if let at = authority.firstIndex(of: 0x40) {
            guard consists(authority[..<at], of: { isUnreserved($0) || isSubDelimiter($0) || $0 == 0x3A }) else { return false }
            hostPort = authority[(at + 1)...]
        }
        var port: ArraySlice<UInt8> = []
        if hostPort.first == 0x5B {
            guard let close = hostPort.firstIndex(of: 0x5D), isIPLiteral(hostPort[(hostPort.startIndex + 1)..<close]) else { return false }
            let after = hostPort[(close + 1)...]
            if !after.isEmpty {
                guard after.first == 0x3A else { return false }
                port = after.dropFirst()
            }
        } else {
            var host = hostPort
            if let colon = hostPort.firstIndex(of: 0x3A) {
                host = hostPort[..<colon]
                port = hostPort[(colon + 1)...]
            }
            guard consists(host, of: { isUnreserved($0) || isSubDelimiter($0) }) else { return false }
        }
        return port.allSatisfy(StringFormat.isDigit)
    }

    private static func isIPLiteral(_ bytes: ArraySlice<UInt8>) -> Bool {
        if bytes.first == 0x76 {
            guard let dot = bytes.firstIndex(of: 0x2E), dot > bytes.startIndex + 1,
                bytes[(bytes.startIndex + 1)..<dot].allSatisfy(StringFormat.isHex), dot + 1 < bytes.endIndex
            else { return false }
            return bytes[(dot + 1)...].allSatisfy { isUnreserved($0) || isSubDelimiter($0) || $0 == 0x3A }
        }
        return IPAddressGrammar.isIPv6(Array(bytes))
    }
}
