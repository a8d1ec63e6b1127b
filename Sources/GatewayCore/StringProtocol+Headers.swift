extension StringProtocol {
    /// ASCII case-insensitive equality (header names), byte by byte, without lower-cased copies.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return zip(utf8, other.utf8).allSatisfy { have, want in have == want || (have | 0x20 == want | 0x20 && (have | 0x20) >= 0x61 && (have | 0x20) <= 0x7A) }
    }

    /// Without leading and trailing spaces and tabs (header values).
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
