import JSONSchemaValidation
import MCPCore
import Testing

@Suite("JSON Schema validator")
struct JSONSchemaValidatorTests {
    private func schema(_ text: String) throws -> JSONSchemaValidator {
        JSONSchemaValidator(schema: try JSONParser().parse(text))
    }

    private func value(_ text: String) throws -> JSONValue {
        try JSONParser().parse(text)
    }

    private func verdicts(_ schemaText: String, _ cases: [(String, Bool)]) throws {
        let validator = try schema(schemaText)
        for (instance, expected) in cases {
            #expect(validator.isValid(try value(instance)) == expected, "\(schemaText) on \(instance)")
            #expect(validator.violations(try value(instance)).isEmpty == expected, "\(schemaText) on \(instance) (collecting)")
        }
    }

    @Test("numeric bounds, exclusive forms and multipleOf, exactly near the 64-bit limits")
    func numbers() throws {
        try verdicts(#"{"minimum": 1, "maximum": 10}"#, [("1", true), ("10", true), ("0", false), ("10.5", false), ("\"x\"", true)])
        try verdicts(#"{"exclusiveMinimum": 1, "exclusiveMaximum": 10}"#, [("1", false), ("1.0001", true), ("10", false), ("9", true)])
        try verdicts(#"{"multipleOf": 3}"#, [("9", true), ("10", false), ("9.0", true), ("9.5", false)])
        try verdicts(#"{"multipleOf": 0.01}"#, [("0.5", true), ("0.125", false)])
        try verdicts(
            #"{"type": "integer", "minimum": -9223372036854775808, "maximum": 9223372036854775807}"#,
            [("9223372036854775807", true), ("-9223372036854775808", true), ("9223372036854775808", false), ("1e19", false), ("1.5", false)]
        )
        try verdicts(#"{"maximum": 9.223372036854776e18}"#, [("9223372036854775807", true)])
    }

    @Test("strings: lengths count code points, patterns search unanchored")
    func strings() throws {
        try verdicts(#"{"minLength": 2, "maxLength": 3}"#, [("\"ab\"", true), ("\"a\"", false), ("\"abcd\"", false), ("\"é😀\"", true), ("5", true)])
        try verdicts(#"{"pattern": "b+c"}"#, [("\"abbc\"", true), ("\"ac\"", false)])
        try verdicts(#"{"pattern": "^[a-z]{2}$"}"#, [("\"ab\"", true), ("\"abc\"", false)])
    }

    @Test("formats as the reference validator checks them")
    func formats() throws {
        try verdicts(#"{"format": "date"}"#, [("\"2024-02-29\"", true), ("\"2023-02-29\"", false), ("\"2024-1-01\"", false), ("\"0000-01-01\"", false)])
        try verdicts(
            #"{"format": "date-time"}"#,
            [("\"2024-05-31T12:00:00Z\"", true), ("\"2024-05-31t12:00:00.5+02:00\"", true), ("\"2024-05-31T24:00:00Z\"", false), ("\"2024-05-31 12:00:00Z\"", false), ("\"2024-05-31T12:00:00\"", false)]
        )
        try verdicts(#"{"format": "time"}"#, [("\"12:00:00Z\"", true), ("\"12:00\"", false)])
        try verdicts(#"{"format": "uuid"}"#, [("\"123e4567-e89b-12d3-a456-426614174000\"", true), ("\"123e4567e89b12d3a456426614174000\"", false)])
        try verdicts(#"{"format": "email"}"#, [("\"a@b\"", true), ("\"ab\"", false)])
        try verdicts(
            #"{"format": "uri"}"#,
            [("\"https://example.com:8080/a/b?c=d#e\"", true), ("\"urn:isbn:123\"", true), ("\"/relative\"", false), ("\"http://[::1]/\"", true), ("\"http://a b\"", false), ("\"http://x/%zz\"", false)]
        )
        try verdicts(#"{"format": "ipv4"}"#, [("\"192.0.2.1\"", true), ("\"192.0.2.01\"", false), ("\"256.0.0.1\"", false)])
        try verdicts(#"{"format": "ipv6"}"#, [("\"2001:db8::1\"", true), ("\"::\"", true), ("\"::ffff:192.0.2.1\"", true), ("\"1::2::3\"", false), ("\"fe80::1%eth0\"", false)])
        try verdicts(#"{"format": "int64"}"#, [("\"anything\"", true)])
    }

    @Test("arrays: bounds, uniqueness by JSON equality, prefixItems, items and contains")
    func arrays() throws {
        try verdicts(#"{"minItems": 1, "maxItems": 2}"#, [("[]", false), ("[1]", true), ("[1,2,3]", false)])
        try verdicts(#"{"uniqueItems": true}"#, [("[1, 1.0]", false), ("[1, true]", true), ("[{\"a\":1,\"b\":2},{\"b\":2,\"a\":1}]", false)])
        try verdicts(#"{"prefixItems": [{"type": "string"}], "items": {"type": "integer"}}"#, [("[\"a\", 1, 2]", true), ("[1]", false), ("[\"a\", \"b\"]", false)])
        try verdicts(#"{"contains": {"type": "string"}, "minContains": 2}"#, [("[\"a\", 1, \"b\"]", true), ("[\"a\", 1]", false)])
    }

    @Test("objects: required, unknown properties, patternProperties, dependentRequired")
    func objects() throws {
        let text = #"{"type": "object", "properties": {"a": {"type": "string"}, "b": {}}, "required": ["a"], "additionalProperties": false, "dependentRequired": {"b": ["a"]}}"#
        try verdicts(text, [("{\"a\": \"x\"}", true), ("{}", false), ("{\"a\": \"x\", \"c\": 1}", false), ("{\"b\": 1}", false)])
        try verdicts(#"{"patternProperties": {"^x-": {"type": "integer"}}, "additionalProperties": {"type": "string"}}"#, [("{\"x-a\": 1, \"b\": \"s\"}", true), ("{\"x-a\": \"s\"}", false), ("{\"b\": 1}", false)])
        try verdicts(#"{"minProperties": 1, "propertyNames": {"maxLength": 2}}"#, [("{}", false), ("{\"ab\": 1}", true), ("{\"abc\": 1}", false)])
    }

    @Test("combinators, conditionals and recursive references")
    func combinators() throws {
        try verdicts(#"{"anyOf": [{"type": "string"}, {"type": "null"}]}"#, [("\"a\"", true), ("null", true), ("1", false)])
        try verdicts(#"{"oneOf": [{"type": "integer"}, {"minimum": 2}]}"#, [("1", true), ("3", false), ("1.5", false)])
        try verdicts(#"{"not": {"enum": [".", ".."]}}"#, [("\".\"", false), ("\"a\"", true)])
        try verdicts(#"{"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"type": "integer"}}"#, [("\"ab\"", true), ("\"a\"", false), ("1", true), ("1.5", false)])
        let tree = ##"{"$ref": "#/$defs/Node", "$defs": {"Node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}, "name": {"type": "string"}}}}}"##
        try verdicts(tree, [("{\"children\": [{\"children\": [{\"name\": \"x\"}]}]}", true), ("{\"children\": [{\"children\": [{\"name\": 1}]}]}", false)])
        try verdicts(##"{"$ref": "#"}"##, [("1", true)])
        try verdicts("false", [("1", false)])
        try verdicts("true", [("1", true)])
    }

    @Test("violations name the location, the keyword and the rule")
    func messages() throws {
        let validator = try schema(#"{"type": "object", "properties": {"body": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "string", "minLength": 1}}}}}}"#)
        let found = validator.violations(try value(#"{"body": {"items": ["ok", ""]}}"#))
        #expect(found.count == 1)
        #expect(found.first?.pointer == "/body/items/1")
        #expect(found.first?.keyword == "minLength")
        #expect(found.first?.message == "must be at least 1 character long")
        let nullable = try schema(#"{"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}"#)
        #expect(nullable.violations(.string("31/05/2024")).map(\.message) == ["must be a valid date (like 2024-05-31)"])
    }

    @Test("a pattern Swift cannot compile refuses nothing and is reported")
    func uncompiledPattern() throws {
        let validator = try schema(#"{"pattern": "(?<=a"}"#)
        #expect(validator.isValid(.string("anything")))
        #expect(validator.uncompiledPatterns == ["(?<=a"])
    }
}
