import MCPCore

/// Checks a call's arguments against the tool's input schema before any HTTP request is made:
/// unknown arguments, missing required ones, wrong JSON types and values outside an `enum`.
/// Problems come back as messages that name the argument.
public struct ArgumentValidator: Sendable {
    public init() {}

    public func problems(_ arguments: JSONObject, schema: JSONValue) -> [String] {
        var problems: [String] = []
        let properties = schema["properties"]?.objectValue ?? [:]
        for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where arguments[name] == nil {
            problems.append("missing required argument '\(name)'")
        }
        for (name, value) in arguments {
            guard let propertySchema = properties[name] else {
                if schema["additionalProperties"] == .bool(false) {
                    let known = properties.keys.joined(separator: ", ")
                    problems.append("unknown argument '\(name)'" + (known.isEmpty ? " (this tool takes no arguments)" : "; expected one of: \(known)"))
                }
                continue
            }
            if let problem = typeProblem(value, schema: propertySchema, root: schema) {
                problems.append("argument '\(name)' \(problem)")
            }
        }
        return problems
    }

    private func typeProblem(_ value: JSONValue, schema: JSONValue, root: JSONValue) -> String? {
        var types: [String] = []
        switch schema["type"] {
        case .string(let type): types = [type]
        case .array(let list): types = list.compactMap(\.stringValue)
        default: break
        }
        if !types.isEmpty, !types.contains(where: { matches(value, type: $0) }) {
            return "must be \(types.joined(separator: " or ")), got \(value.typeName)"
        }
        if let number = value.doubleValue, let format = schema["format"]?.stringValue,
            let range = ["int32": Double(Int32.min)...Double(Int32.max), "int64": -9.223372036854775e18...9.223372036854775e18][format],
            !range.contains(number)
        {
            return "must be a \(format) integer (\(Int64(range.lowerBound)) to \(Int64(range.upperBound)))"
        }
        if case .array(let allowed) = schema["enum"], !allowed.isEmpty, !allowed.contains(where: { equal($0, value) }) {
            let list = allowed.prefix(20).map { $0.serialized() }.joined(separator: ", ")
            return "must be one of: \(list)"
        }
        return nil
    }

    private func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("object", .object), ("array", .array), ("null", .null): return true
        case ("integer", .int): return true
        case ("integer", .double(let double)): return double.rounded() == double
        case ("number", .int), ("number", .double): return true
        default: return false
        }
    }

    private func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
        return lhs == rhs
    }
}
