/// `${VAR}` and `${VAR:-default}` in configuration strings, read from the environment; `$${`
/// stays a literal `${`. Substitution happens per string value after parsing, so a variable's
/// value can never change the file's structure.
public struct EnvironmentSubstitution: Sendable {
    public let environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The substituted text, or the name of the first variable that is missing.
    public func substitute(_ text: String) -> Result<String, MissingVariable> {
        guard text.contains("$") else { return .success(text) }
        var output = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            output += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("${") {
                output += "${"
                rest = after.dropFirst(2)
                continue
            }
            guard after.hasPrefix("{"), let close = after.firstIndex(of: "}") else {
                output += "$"
                rest = after
                continue
            }
            let inside = after[after.index(after: after.startIndex)..<close]
            let name: Substring
            let fallback: Substring?
            if let separator = inside.range(of: ":-") {
                name = inside[..<separator.lowerBound]
                fallback = inside[separator.upperBound...]
            } else {
                name = inside
                fallback = nil
            }
            if let value = environment[String(name)], !value.isEmpty {
                output += value
            } else if let fallback {
                output += fallback
            } else {
                return .failure(MissingVariable(name: String(name)))
            }
            rest = after[after.index(after: close)...]
        }
        output += rest
        return .success(output)
    }

    /// A `${VAR}` whose variable is unset and has no default.
    public struct MissingVariable: Error {
        public let name: String
    }
}
