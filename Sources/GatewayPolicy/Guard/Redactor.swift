import Foundation

/// Replaces personal data and secrets in text with a placeholder naming what was there
/// (`[EMAIL]`, `[CARD]`...): applied to every payload the audit trail stores.
///
/// Card numbers must pass the Luhn check and IBANs the mod-97 check, so order numbers and dates
/// are left alone; API keys are the common provider shapes (`sk-…`, `sk-ant-…`, `AKIA…`, `ghp_…`,
/// `xox…-`, `AIza…`) and bearer tokens; configured patterns are regular expressions.
public struct Redactor: Sendable {
    /// What the redactor looks for.
    public enum Kind: String, Sendable, CaseIterable {
        case email, phone, card, iban
        case apiKey = "api_key"
    }

    private struct Rule: @unchecked Sendable {
        // NSRegularExpression is immutable once built and documented as thread-safe.
        let expression: NSRegularExpression
        let placeholder: String
        let check: (@Sendable (String) -> Bool)?
        /// What a text needs before the expression can match it (most texts have no e-mail, no
        /// key and few digits: the expression, far slower than this, is not run on them).
        let mayMatch: @Sendable (TextTraits) -> Bool
    }

    /// What one pass over a text learns, for the rules' quick checks.
    struct TextTraits {
        var digits = 0
        var at = false
        /// The text holds a key prefix (`sk-`, `AKIA`, `gh?_`, `xox`, `AIza`) or `earer` (a bearer token).
        var keyHint = false

        init(_ text: String) {
            var previous: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
            for byte in text.utf8 {
                if byte >= 0x30 && byte <= 0x39 {
                    digits += 1
                } else if byte == 0x40 {
                    at = true
                }
                if !keyHint { keyHint = Self.endsKeyHint(previous, byte) }
                previous = (previous.1, previous.2, previous.3, byte)
            }
        }

        /// Whether `byte` after the last four bytes ends one of the hints.
        static func endsKeyHint(_ last: (UInt8, UInt8, UInt8, UInt8), _ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "-"): return last.2 == UInt8(ascii: "s") && last.3 == UInt8(ascii: "k")
            case UInt8(ascii: "A"): return last.1 == UInt8(ascii: "A") && last.2 == UInt8(ascii: "K") && last.3 == UInt8(ascii: "I")
            case UInt8(ascii: "_"): return last.2 == UInt8(ascii: "g") && last.3 == UInt8(ascii: "h") || last.1 == UInt8(ascii: "g") && last.2 == UInt8(ascii: "h")
            case UInt8(ascii: "x"): return last.2 == UInt8(ascii: "x") && last.3 == UInt8(ascii: "o")
            case UInt8(ascii: "a"): return last.1 == UInt8(ascii: "A") && last.2 == UInt8(ascii: "I") && last.3 == UInt8(ascii: "z")
            case UInt8(ascii: "r"), UInt8(ascii: "R"):
                return (last.0 | 0x20) == UInt8(ascii: "e") && (last.1 | 0x20) == UInt8(ascii: "a") && (last.2 | 0x20) == UInt8(ascii: "r")
                    && (last.3 | 0x20) == UInt8(ascii: "e")
            default: return false
            }
        }
    }

    private let rules: [Rule]

    /// `patterns` are extra regular expressions, each replaced by `[REDACTED]`; a malformed one is an error naming it.
    public init(kinds: [Kind], patterns: [String] = []) throws {
        var rules: [Rule] = []
        // The most specific shapes first: a card number or a key must not be taken for a phone number.
        let order: [Kind] = [.apiKey, .email, .iban, .card, .phone]
        for kind in order where kinds.contains(kind) {
            rules.append(
                Rule(
                    expression: try NSRegularExpression(pattern: Self.pattern(of: kind)), placeholder: "[\(kind.rawValue.uppercased())]", check: Self.check(of: kind),
                    mayMatch: Self.mayMatch(kind)
                )
            )
        }
        for pattern in patterns {
            rules.append(Rule(expression: try NSRegularExpression(pattern: pattern), placeholder: "[REDACTED]", check: nil, mayMatch: { _ in true }))
        }
        self.rules = rules
    }

    public var isEmpty: Bool { rules.isEmpty }

    /// `text` with every match replaced by its kind's placeholder.
    public func redact(_ text: String) -> String {
        replace(in: text) { rule, _ in rule.placeholder }
    }

    /// `text` with every match replaced by a numbered placeholder (`[EMAIL_1]`), the same one for
    /// the same value within `table`, so an answer can name it and `table` can restore it.
    public func pseudonymize(_ text: String, table: PlaceholderTable) -> String {
        replace(in: text) { rule, found in table.placeholder(for: found, kind: String(rule.placeholder.dropFirst().dropLast())) }
    }

    private func replace(in text: String, with replacement: (Rule, String) -> String) -> String {
        let traits = TextTraits(text)
        var text = text
        for rule in rules where rule.mayMatch(traits) {
            let whole = NSRange(text.startIndex..., in: text)
            let matches = rule.expression.matches(in: text, range: whole)
            guard !matches.isEmpty else { continue }
            var result = ""
            var cursor = text.startIndex
            for match in matches {
                guard let range = Range(match.range, in: text) else { continue }
                let found = String(text[range])
                if let check = rule.check, !check(found) { continue }
                result += text[cursor..<range.lowerBound]
                result += replacement(rule, found)
                cursor = range.upperBound
            }
            result += text[cursor...]
            text = result
        }
        return text
    }

    static func pattern(of kind: Kind) -> String {
        switch kind {
        case .email: return #"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"#
        // Not a run inside a longer group of digits (an invalid card number, an account number).
        case .phone: return #"(?<![\w+])(?<!\d[ .-])(?:\+\d{1,3}[ .-]?)?\(?\d{2,4}\)?[ .-]?\d{3,4}[ .-]?\d{3,4}(?![ .-]?\d)(?!\w)"#
        case .card: return #"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)"#
        case .iban: return #"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b"#
        case .apiKey:
            return #"(?:\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}|\bxox[abposr]-[A-Za-z0-9-]{10,}|\bAIza[0-9A-Za-z_-]{35}|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{16,})"#
        }
    }

    static func mayMatch(_ kind: Kind) -> @Sendable (TextTraits) -> Bool {
        switch kind {
        case .email: return { $0.at }
        case .phone: return { $0.digits >= 7 }
        case .card: return { $0.digits >= 13 }
        case .iban: return { $0.digits >= 8 }
        case .apiKey: return { $0.keyHint }
        }
    }

    static func check(of kind: Kind) -> (@Sendable (String) -> Bool)? {
        switch kind {
        case .card: return { luhn($0.filter(\.isNumber)) }
        case .iban: return { iban($0.filter { !$0.isWhitespace }) }
        default: return nil
        }
    }

    /// The Luhn checksum of a card number's digits.
    static func luhn(_ digits: String) -> Bool {
        guard (13...19).contains(digits.count) else { return false }
        var sum = 0
        for (offset, character) in digits.reversed().enumerated() {
            guard var digit = character.wholeNumberValue else { return false }
            if offset % 2 == 1 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return sum % 10 == 0
    }

    /// The IBAN check: the first four characters moved to the end, letters as numbers, mod 97 is 1.
    static func iban(_ value: String) -> Bool {
        guard (15...34).contains(value.count) else { return false }
        var remainder = 0
        for character in value.dropFirst(4) + value.prefix(4) {
            guard let number = character.wholeNumberValue ?? (character.isLetter ? Int(character.asciiValue ?? 0) - 55 : nil) else { return false }
            for digit in String(number) {
                remainder = (remainder * 10 + (digit.wholeNumberValue ?? 0)) % 97
            }
        }
        return remainder == 1
    }
}
