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
    }

    private let rules: [Rule]

    /// `patterns` are extra regular expressions, each replaced by `[REDACTED]`; a malformed one is an error naming it.
    public init(kinds: [Kind], patterns: [String] = []) throws {
        var rules: [Rule] = []
        // The most specific shapes first: a card number or a key must not be taken for a phone number.
        let order: [Kind] = [.apiKey, .email, .iban, .card, .phone]
        for kind in order where kinds.contains(kind) {
            rules.append(Rule(expression: try NSRegularExpression(pattern: Self.pattern(of: kind)), placeholder: "[\(kind.rawValue.uppercased())]", check: Self.check(of: kind)))
        }
        for pattern in patterns {
            rules.append(Rule(expression: try NSRegularExpression(pattern: pattern), placeholder: "[REDACTED]", check: nil))
        }
        self.rules = rules
    }

    public var isEmpty: Bool { rules.isEmpty }

    /// `text` with every match replaced.
    public func redact(_ text: String) -> String {
        var text = text
        for rule in rules {
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
                result += rule.placeholder
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
