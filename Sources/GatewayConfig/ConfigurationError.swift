/// A configuration file that cannot be used, with the place to fix it: file, line, column and
/// the field's path (`servers[0].openapi.spec`).
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The file cannot be read.
        public static let unreadable = Code(rawValue: "unreadable")
        /// The file is not valid YAML.
        public static let syntax = Code(rawValue: "syntax")
        /// A field this version does not know (often a typo).
        public static let unknownField = Code(rawValue: "unknown_field")
        /// A required field is absent.
        public static let missingField = Code(rawValue: "missing_field")
        /// A value of the wrong type or out of range.
        public static let invalidValue = Code(rawValue: "invalid_value")
        /// `${VAR}` names a variable that is not set (and has no default).
        public static let missingEnvironment = Code(rawValue: "missing_environment")
        /// A feature the configuration format names but this build does not provide yet.
        public static let unsupported = Code(rawValue: "unsupported")
    }

    public var code: Code
    public var message: String
    public var file: String
    public var line: Int?
    public var column: Int?
    /// The field's path, empty for the whole file.
    public var field: String

    public init(_ code: Code, _ message: String, file: String, line: Int? = nil, column: Int? = nil, field: String = "") {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.field = field
    }

    /// Further problems found in the same file (each section is checked even after one fails),
    /// so one run of `toolgate check` lists everything to fix.
    public var others: [ConfigurationError] = []

    /// This problem alone, as `file:line:column: field: message`.
    public var location: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return field.isEmpty ? "\(place): \(message)" : "\(place): \(field): \(message)"
    }

    public var description: String {
        guard !others.isEmpty else { return location }
        return ([location] + others.map(\.location)).joined(separator: "\n") + "\n(\(others.count + 1) problems)"
    }

    /// The problems as one error (the first, carrying the rest), or nil when there are none.
    static func combined(_ problems: [ConfigurationError]) -> ConfigurationError? {
        // In file order, as an editor walks them.
        let ordered = problems.enumerated().sorted { lhs, rhs in
            let left = (lhs.element.line ?? Int.max, lhs.element.column ?? 0, lhs.offset)
            let right = (rhs.element.line ?? Int.max, rhs.element.column ?? 0, rhs.offset)
            return left < right
        }.map(\.element)
        guard var first = ordered.first else { return nil }
        first.others = Array(ordered.dropFirst())
        return first
    }
}

/// Collects the problems of independent sections, so one failing section does not hide the next.
struct ProblemList {
    private(set) var problems: [ConfigurationError] = []

    mutating func attempt(_ body: () throws(ConfigurationError) -> Void) {
        do throws(ConfigurationError) {
            try body()
        } catch {
            problems.append(contentsOf: [error] + error.others)
        }
    }

    mutating func add(_ problem: ConfigurationError) {
        problems.append(problem)
    }
}
