/// The `format`s the validator checks, with the reference validators' rules (Python
/// `jsonschema` with its format checker): other formats (`int64`, `byte`, `password`,
/// `hostname`, ...) are annotations, as JSON Schema 2020-12 makes every format by default.
enum StringFormat: String, Sendable, CaseIterable {
    case date
    case dateTime = "date-time"
    case time
    case email
    case uuid
    case uri
    case ipv4
    case ipv6

    /// An example of a valid value, for refusal messages.
    var example: String {
        switch self {
        case .date: return "2024-05-31"
        case .dateTime: return "2024-05-31T12:00:00Z"
        case .time: return "12:00:00Z"
        case .email: return "name@example.com"
        case .uuid: return "123e4567-e89b-12d3-a456-426614174000"
        case .uri: return "https://example.com/path"
        case .ipv4: return "192.0.2.1"
        case .ipv6: return "2001:db8::1"
        }
    }

    func accepts(_ text: String) -> Bool {
        switch self {
        case .date: return Self.isDate(Array(text.utf8))
        case .dateTime: return Self.isDateTime(Array(text.uppercased().utf8))
        case .time: return Self.isDateTime(Array(("1970-01-01T" + text).uppercased().utf8))
        case .email: return text.contains("@")
        case .uuid: return Self.isUUID(Array(text.utf8))
        case .uri: return URIGrammar.isURI(Array(text.utf8))
        case .ipv4: return IPAddressGrammar.isIPv4(Array(text.utf8))
        case .ipv6: return IPAddressGrammar.isIPv6(Array(text.utf8))
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    /// The value of `count` ASCII digits at `start`, or nil.
    static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<start + count] {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `YYYY-MM-DD`, a real calendar day of years 1 to 9999.
    private static func isDate(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2)
        else { return false }
        return year >= 1 && (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year)
    }

    /// RFC 3339 `date-time` (upper-cased first): seconds up to 59, a fraction of any length,
    /// `Z` or a `±HH:MM` offset; one trailing line feed is tolerated, as the reference's `$` does.
    private static func isDateTime(_ input: [UInt8]) -> Bool {
        var bytes = input
        if bytes.last == 0x0A { bytes.removeLast() }
        guard bytes.count >= 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A, bytes[16] == 0x3A,
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2),
            year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour <= 23, minute <= 59, second <= 59
        else { return false }
        var index = 19
        if bytes[index] == 0x2E {
            index += 1
            let start = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > start, index < bytes.count else { return false }
        }
        if bytes[index] == 0x5A { return index + 1 == bytes.count }
        guard bytes[index] == 0x2B || bytes[index] == 0x2D, bytes.count == index + 6, bytes[index + 3] == 0x3A,
            let offsetHour = number(bytes, index + 1, 2), let offsetMinute = number(bytes, index + 4, 2)
        else { return false }
        return offsetHour <= 23 && offsetMinute <= 59
    }

    /// `8-4-4-4-12` hexadecimal digits.
    private static func isUUID(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == 0x2D else { return false }
            } else if !isHex(byte) {
                return false
            }
        }
        return true
    }
}
