extension StringProtocol {
    /// Whether `needle` occurs in this text, compared byte for byte (UTF-8, no locale). On the
    /// request path this replaces `contains(_:)`, which Foundation answers through `NSString`
    /// (and the standard library's generic search allocates): header values and media types
    /// are short, so a plain scan is the fastest.
    public func containsBytes(_ needle: some StringProtocol) -> Bool {
        let found = utf8.withContiguousStorageIfAvailable { haystack in
            needle.utf8.withContiguousStorageIfAvailable { needle in Self.scan(haystack, for: needle) }
        }
        return (found ?? nil) ?? (utf8.firstRange(of: needle.utf8) != nil)
    }

    private static func scan(_ haystack: UnsafeBufferPointer<UInt8>, for needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        for start in 0...(haystack.count - needle.count) where haystack[start] == first {
            var index = 1
            while index < needle.count, haystack[start + index] == needle[index] { index += 1 }
            if index == needle.count { return true }
        }
        return false
    }
}
