import Foundation

/// RFC 3986 percent-encoding for the parts of a URL an argument may fill.
package enum PercentEncoding {
    /// Unreserved characters: the only ones left as they are in path segments and query values.
    package static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// RFC 3986 `pchar` but `%` (unreserved, sub-delims, `:`, `@`), plus `/` and `?`: the bytes a
    /// path and query hold as they are.
    package static func isPathOrQueryByte(_ byte: UInt8) -> Bool {
        isUnreserved(byte) || "!$&'()*+,;=:@/?".utf8.contains(byte)
    }

    package static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): return true
        default: return false
        }
    }

    /// Reserved characters that `allowReserved` lets through in query values (never `&`, `=`, `#`, `+`).
    package static func isAllowedReserved(_ byte: UInt8) -> Bool {
        ":/?@!$'()*,;[]".utf8.contains(byte)
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Encodes every byte but the unreserved ones (and, with `allowReserved`, the safe reserved ones).
    package static func encode(_ text: String, allowReserved: Bool = false) -> String {
        var output = [UInt8]()
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || (allowReserved && isAllowedReserved(byte)) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// `application/x-www-form-urlencoded` encoding (space as `+`).
    package static func formEncode(_ text: String) -> String {
        encode(text).replacingOccurrences(of: "%20", with: "+")
    }
}

