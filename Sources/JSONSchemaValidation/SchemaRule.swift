import MCPCore

/// One compiled keyword of a schema node. Subschemas are indices into the compiled node table,
/// so recursive schemas (`$ref` cycles through `$defs`) compile to a finite graph.
enum SchemaRule: Sendable {
    case never
    case types(SchemaTypes)
    case enumeration([JSONValue])
    case constant(JSONValue)
    case minimum(JSONValue, exclusive: Bool)
    case maximum(JSONValue, exclusive: Bool)
    case multipleOf(JSONValue)
    case minLength(Int)
    case maxLength(Int)
    case pattern(PatternMatcher, meaning: String?)
    case format(StringFormat)
    case minItems(Int)
    case maxItems(Int)
    case uniqueItems
    case prefixItems([Int])
    case items(Int, from: Int)
    case contains(Int, min: Int, max: Int?)
    case minProperties(Int)
    case maxProperties(Int)
    case required([String])
    case properties([String: Int])
    case patternProperties([(PatternMatcher, Int)])
    case additionalProperties(Int, known: Set<String>, patterns: [PatternMatcher])
    case propertyNames(Int)
    case dependentRequired([(String, [String])])
    case dependentSchemas([(String, Int)])
    case allOf([Int])
    case anyOf([Int])
    case oneOf([Int])
    case not(Int)
    case conditional(if: Int, then: Int?, else: Int?)
    case reference(Int)
}

/// The JSON types a `type` keyword admits.
struct SchemaTypes: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = SchemaTypes(rawValue: 1)
    static let boolean = SchemaTypes(rawValue: 2)
    static let object = SchemaTypes(rawValue: 4)
    static let array = SchemaTypes(rawValue: 8)
    static let number = SchemaTypes(rawValue: 16)
    static let string = SchemaTypes(rawValue: 32)
    static let integer = SchemaTypes(rawValue: 64)

    static let names: [(String, SchemaTypes)] = [
        ("null", .null), ("boolean", .boolean), ("object", .object), ("array", .array), ("number", .number),
        ("string", .string), ("integer", .integer),
    ]

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init?(name: String) {
        guard let match = Self.names.first(where: { $0.0 == name }) else { return nil }
        self = match.1
    }

    func admits(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .object: return contains(.object)
        case .array: return contains(.array)
        case .string: return contains(.string)
        case .int: return contains(.number) || contains(.integer)
        case .double(let double): return contains(.number) || (contains(.integer) && double.isFinite && double.rounded() == double)
        }
    }

    var listed: String {
        Self.names.filter { contains($0.1) }.map(\.0).joined(separator: " or ")
    }
}
