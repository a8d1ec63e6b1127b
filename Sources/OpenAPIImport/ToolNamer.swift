import GatewayCore

/// Makes tool names every client accepts — `^[a-zA-Z][a-zA-Z0-9_-]*$`, at most `maxLength`
/// characters — unique within one server and stable across runs (hashes, not counters).
public struct ToolNamer: Sendable {
    public var maxLength: Int
    public var prefix: String
    private var taken: Set<String> = []

    public init(maxLength: Int = 64, prefix: String = "") {
        self.maxLength = max(16, min(maxLength, 128))
        self.prefix = prefix
    }

    /// A valid, unused name for `raw`; `disambiguator` seeds the hash when `raw` is taken.
    public mutating func name(for raw: String, disambiguator: String) -> String {
        var candidate = fit(Self.sanitize(prefix + raw), hashing: raw)
        if taken.contains(candidate) {
            candidate = fit(candidate, hashing: raw + "\u{0}" + disambiguator, force: true)
        }
        var salt = 1
        while taken.contains(candidate) {
            candidate = fit(candidate, hashing: raw + "\u{0}" + disambiguator + "\u{0}\(salt)", force: true)
            salt += 1
        }
        taken.insert(candidate)
        return candidate
    }

    /// Replaces every character outside `[A-Za-z0-9_-]` with `_`, collapses runs, and makes the
    /// name start with a letter.
    public static func sanitize(_ raw: String) -> String {
        var output = ""
        var lastWasUnderscore = false
        for scalar in raw.unicodeScalars {
            let valid = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-")
            if valid {
                output.unicodeScalars.append(scalar)
                lastWasUnderscore = false
            } else if !lastWasUnderscore {
                output.append("_")
                lastWasUnderscore = true
            }
        }
        while let first = output.first, first == "_" || first == "-" { output.removeFirst() }
        while let last = output.last, last == "_" || last == "-" { output.removeLast() }
        if output.isEmpty { return "op" }
        if let first = output.unicodeScalars.first, !first.properties.isAlphabetic { output = "op_" + output }
        return output
    }

    private func fit(_ name: String, hashing seed: String, force: Bool = false) -> String {
        StableName.fit(name, maxLength: maxLength, hashing: seed, force: force)
    }
}
