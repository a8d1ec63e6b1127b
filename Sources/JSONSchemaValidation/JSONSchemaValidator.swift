import MCPCore

/// A JSON Schema 2020-12 validator for the schemas Toolgate publishes as tools' `inputSchema`s:
/// compiled once, then run on every call, so a call the schema forbids is refused before any
/// upstream request with a message naming the value and the rule.
///
/// Covers the assertion vocabulary (types, `enum`/`const`, numeric and length bounds, `pattern`,
/// the checked `format`s, array and object keywords, combinators, `if`/`then`/`else`, local
/// `$ref`s); `unevaluatedProperties`/`unevaluatedItems`, remote `$ref`s and `$dynamicRef` are not
/// evaluated (they never refuse). Verdicts are held equal to Python's `jsonschema` by a
/// differential test over every tool of the corpus.
public struct JSONSchemaValidator: Sendable {
    let nodes: [[SchemaRule]]
    /// `pattern`s of the schema that Swift's regex engine cannot compile; they refuse nothing.
    public let uncompiledPatterns: [String]

    /// Words for refusals by particular patterns, keyed by the pattern (`not:` + pattern for a
    /// value that matches one under `not`); other patterns are quoted.
    let patternMeanings: [String: String]

    public init(schema: JSONValue, patternMeanings: [String: String] = [:]) {
        self.patternMeanings = patternMeanings
        var compiler = SchemaCompiler(root: schema, patternMeanings: patternMeanings)
        _ = compiler.compile(schema, pointer: "")
        nodes = compiler.nodes
        uncompiledPatterns = compiler.uncompiledPatterns
    }

    /// True when the instance satisfies the schema (stops at the first failure).
    public func isValid(_ instance: JSONValue) -> Bool {
        var sink: [SchemaViolation]?
        return evaluate(0, instance, location: [], into: &sink, depth: 0)
    }

    /// Every violation, each with its location in the instance (empty when valid).
    public func violations(_ instance: JSONValue) -> [SchemaViolation] {
        var sink: [SchemaViolation]? = []
        _ = evaluate(0, instance, location: [], into: &sink, depth: 0)
        return sink ?? []
    }
}
