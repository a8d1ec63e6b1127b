import JSONSchemaValidation
import MCPCore
import OpenAPIImport

/// Checks a call's arguments against the tool's input schema before any HTTP request is made:
/// everything the schema states (types, required and unknown arguments, bounds, lengths,
/// patterns, formats, array and object rules, combinators), so a call is refused exactly when
/// its schema forbids it. Problems come back as messages that name the argument and the rule.
public struct ArgumentValidator: Sendable {
    let validator: JSONSchemaValidator

    public init(schema: JSONValue) {
        validator = JSONSchemaValidator(schema: schema, patternMeanings: ArgumentRules.meanings)
    }

    public func problems(_ arguments: JSONObject) -> [String] {
        let instance = JSONValue.object(arguments)
        guard !validator.isValid(instance) else { return [] }
        return validator.violations(instance).map(Self.describe)
    }

    /// A violation in the words of tool arguments: the first location token is the argument.
    static func describe(_ violation: SchemaViolation) -> String {
        guard let argument = violation.location.first else {
            switch (violation.keyword, violation.property) {
            case ("required", let name?): return "missing required argument '\(name)'"
            case ("additionalProperties", _?):
                return violation.message.replacing("unknown property", with: "unknown argument")
                    .replacing("(none are accepted here)", with: "(this tool takes no arguments)")
            case ("dependentRequired", _): return "argument " + violation.message
            default: return "the arguments " + violation.message
            }
        }
        let rest = violation.location.dropFirst()
        let place = rest.isEmpty ? "" : " at " + SchemaViolation.pointer(rest) + ":"
        return "argument '\(argument)'\(place) \(violation.message)"
    }
}
