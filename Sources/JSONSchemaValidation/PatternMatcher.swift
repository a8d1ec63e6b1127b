/// A `pattern` (or `patternProperties` key) compiled once: ECMA-262-style regular expressions,
/// matched anywhere in the string (unanchored, as JSON Schema says), code point by code point.
/// A pattern Swift's regex engine cannot compile never refuses a value: the validator must not
/// invent refusals the schema does not state; `isCompiled` lets the importer report it.
struct PatternMatcher: @unchecked Sendable {
    // Regex values are immutable once built; the wrapper only reads them.
    let source: String
    private let regex: Regex<AnyRegexOutput>?

    init(_ source: String) {
        self.source = source
        regex = (try? Regex(Self.translated(source)))?.matchingSemantics(.unicodeScalar)
    }

    /// The reference validator's end anchors in Swift's syntax: a bare `$` also matches before
    /// one final line feed (`(?=\n?\z)`), and `\Z` means the very end (`\z`).
    static func translated(_ source: String) -> String {
        var output = ""
        var inClass = false
        var escaped = false
        for character in source {
            if escaped {
                output += character == "Z" ? "z" : String(character)
                escaped = false
                continue
            }
            switch character {
            case "\\":
                escaped = true
                output.append(character)
            case "[" where !inClass:
                inClass = true
                output.append(character)
            case "]" where inClass:
                inClass = false
                output.append(character)
            case "$" where !inClass:
                output += "(?=\n?\\z)"
            default:
                output.append(character)
            }
        }
        return output
    }

    var isCompiled: Bool { regex != nil }

    func matches(_ text: String) -> Bool {
        guard let regex else { return true }
        return text.firstMatch(of: regex) != nil
    }
}
