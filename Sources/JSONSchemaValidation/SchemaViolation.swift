import MCPCore

/// One rule an instance broke: where in the instance (JSON pointer tokens), which keyword, and
/// what the rule wanted, in words a caller (or a model) can act on.
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// The instance location as pointer tokens (`["body", "items", "0"]`); empty for the root.
    public var location: [String]
    /// The keyword that failed (`minLength`, `required`, `format`, ...).
    public var keyword: String
    /// What was wanted, without the location ("must be at least 1 character long").
    public var message: String
    /// The property a `required`, `dependentRequired` or `additionalProperties` violation names.
    public var property: String?

    public init(location: [String], keyword: String, message: String, property: String? = nil) {
        self.location = location
        self.keyword = keyword
        self.message = message
        self.property = property
    }

    /// The location as a JSON pointer (`/body/items/0`).
    public var pointer: String {
        Self.pointer(location)
    }

    /// Pointer tokens as a JSON pointer.
    public static func pointer(_ tokens: some Sequence<String>) -> String {
        tokens.map { "/" + JSONPointer.escape($0) }.joined()
    }

    public var description: String {
        location.isEmpty ? message : "\(pointer): \(message)"
    }
}
