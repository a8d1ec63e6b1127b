/// One finding of an import stage: a severity, where it is (a JSON pointer into the document) and what it is.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case info, warning, error

        private var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    }

    public var severity: Severity
    /// RFC 6901 pointer into the document (`""` for the whole document).
    public var pointer: String
    public var message: String

    public init(_ severity: Severity, _ pointer: String, _ message: String) {
        self.severity = severity
        self.pointer = pointer
        self.message = message
    }

    public var description: String { "\(severity.rawValue): \(pointer.isEmpty ? "/" : pointer): \(message)" }
}
