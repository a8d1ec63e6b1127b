import GatewayCore
import Testing

/// `containsBytes`, the request path's substring check, agrees with the obvious definition.
@Suite("byte-wise substring check")
struct StringBytesTests {
    @Test("finds and misses what a substring search would", arguments: [
        ("application/json, text/event-stream", "text/event-stream", true),
        ("application/json, text/event-stream", "*/*", false),
        ("*/*", "*/*", true),
        ("text/event-strea", "text/event-stream", false),
        ("", "x", false),
        ("abc", "", true),
        ("aaab", "aab", true),
        ("ApPlication/JSON", "json", false),
        ("vnd.api+json; charset=utf-8", "json", true),
        ("héllo wörld", "wö", true),
    ])
    func agrees(haystack: String, needle: String, expected: Bool) {
        #expect(haystack.containsBytes(needle) == expected)
        #expect(haystack[...].containsBytes(needle[...]) == expected)
        #expect(haystack.containsBytes(needle) == (needle.isEmpty || haystack.utf8.firstRange(of: needle.utf8) != nil))
    }
}
