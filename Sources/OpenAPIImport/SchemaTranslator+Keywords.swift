import MCPCore

extension SchemaTranslator {
    static let validTypes: Set<String> = ["null", "boolean", "object", "array", "number", "string", "integer"]
    static let passThrough: Set<String> = [
        "enum", "const", "default", "title", "description", "format", "deprecated", "readOnly", "writeOnly",
        "examples", "contentEncoding", "contentMediaType", "dependentRequired",
    ]
    static let nonNegativeIntegers: Set<String> = [
        "maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties", "maxContains", "minContains",
    ]
    static let numbers: Set<String> = ["maximum", "minimum", "multipleOf"]
    static let singleSchemas: Set<String> = [
        "additionalProperties", "not", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems",
        "if", "then", "else",
    ]
    static let schemaLists: Set<String> = ["allOf", "oneOf", "anyOf", "prefixItems"]
    static let schemaMaps: Set<String> = ["patternProperties", "dependentSchemas"]

    func translateObject(_ object: JSONObject, pointer: String) -> JSONValue {
        var out = JSONObject()
        var hidden: Set<String> = []
        for (key, value) in object {
            let here = JSONPointer.join(pointer, key)
            if key.hasPrefix("x-") { continue }
            switch key {
            case "type":
                if let type = translateType(value, pointer: here) { out["type"] = type }
            case "properties":
                // Some documents put the whole map behind a $ref; follow it.
                guard let properties = (value["$ref"] != nil ? follow(value) : value).objectValue else {
                    diagnostics.add(.warning, here, "'properties' must be an object; ignored")
                    continue
                }
                var translated = JSONObject()
                for (name, propertySchema) in properties {
                    if isHidden(propertySchema) {
                        hidden.insert(name)
                        continue
                    }
                    translated[name] = translate(propertySchema, pointer: JSONPointer.join(here, name))
                }
                out["properties"] = .object(translated)
            case "items":
                if case .array(let tuple) = value {
                    out["prefixItems"] = .array(tuple.enumerated().map { translate($1, pointer: JSONPointer.join(here, String($0))) })
                } else {
                    out["items"] = translate(value, pointer: here)
                }
            case "required":
                guard case .array(let names) = value else {
                    diagnostics.add(.warning, here, "'required' must be an array of property names; ignored")
                    continue
                }
                var unique: [JSONValue] = []
                for name in names where name.stringValue != nil && !unique.contains(name) { unique.append(name) }
                out["required"] = .array(unique)
            case "pattern":
                if value.stringValue != nil { out[key] = value }
            case "uniqueItems":
                if value.boolValue != nil { out[key] = value }
            case "exclusiveMinimum", "exclusiveMaximum":
                if value.doubleValue != nil { out[key] = value }
            case "example":
                if object["examples"] == nil { out["examples"] = [value] }
            case "examples":
                if case .array = value { out[key] = value } else if let map = value.objectValue {
                    out[key] = .array(map.values.compactMap { $0["value"] })
                }
            case _ where Self.passThrough.contains(key):
                out[key] = value
            case _ where Self.nonNegativeIntegers.contains(key):
                if let int = value.intValue, int >= 0 { out[key] = .int(int) }
            case _ where Self.numbers.contains(key):
                if value.doubleValue != nil { out[key] = value }
            case _ where Self.singleSchemas.contains(key):
                out[key] = translate(value, pointer: here)
            case _ where Self.schemaLists.contains(key):
                guard case .array(let list) = value else { continue }
                out[key] = .array(list.enumerated().map { translate($1, pointer: JSONPointer.join(here, String($0))) })
            case _ where Self.schemaMaps.contains(key):
                guard let map = value.objectValue else { continue }
                out[key] = .object(map.reduce(into: JSONObject()) { $0[$1.key] = translate($1.value, pointer: JSONPointer.join(here, $1.key)) })
            default:
                // nullable, discriminator, xml, externalDocs, $schema, $id, definitions and unknown words.
                continue
            }
        }
        if !hidden.isEmpty, case .array(let required) = out["required"] {
            out["required"] = .array(required.filter { !hidden.contains($0.stringValue ?? "") })
        }
        if out["required"] == .array([]) { out.removeValue(forKey: "required") }
        applyExclusiveBounds(object, to: &out)
        mergeAllOf(&out)
        if mode == .input { stateIntegerRange(&out) }
        if mode == .input, out["format"] == "binary", out["type"] == "string" {
            // A file input: bytes travel through JSON as base64, a data: URL, or an object with a name and type.
            let description = out["description"]?.stringValue.map { $0 + "\n\n" } ?? ""
            out = [
                "description": .string(description + "File contents: base64, a data: URL, or {\"data\": base64, \"filename\": …, \"contentType\": …}"),
                "anyOf": [
                    ["type": "string", "contentEncoding": "base64", "pattern": .string(ArgumentRules.base64OrDataURLPattern)],
                    [
                        "type": "object", "required": ["data"],
                        "properties": [
                            "data": ["type": "string", "contentEncoding": "base64", "pattern": .string(ArgumentRules.base64OrDataURLPattern)],
                            "filename": ["type": "string"], "contentType": ["type": "string"],
                        ],
                    ],
                ],
            ]
        }
        if object["nullable"] == .bool(true) { return makeNullable(out) }
        return .object(out)
    }

    private func translateType(_ value: JSONValue, pointer: String) -> JSONValue? {
        switch value {
        case .string("file"):
            return "string"
        case .string(let name):
            if Self.validTypes.contains(name) { return value }
        case .array(let names):
            let valid = names.compactMap(\.stringValue).map { $0 == "file" ? "string" : $0 }.filter(Self.validTypes.contains)
            var unique: [String] = []
            for name in valid where !unique.contains(name) { unique.append(name) }
            if !unique.isEmpty { return unique.count == 1 ? .string(unique[0]) : .array(unique.map(JSONValue.string)) }
        default:
            break
        }
        diagnostics.add(.warning, pointer, "'\(value.serialized())' is not a JSON Schema type; the type constraint is dropped")
        return nil
    }

    /// OpenAPI 3.0 / Swagger booleans `exclusiveMinimum: true` become 2020-12 numbers.
    /// `int32` and `int64` become stated bounds, so a client learns the range from the schema
    /// instead of from a refusal (an explicit, narrower bound is kept). An `integer` without a
    /// format gets the int64 range too: the gateway carries integers as 64-bit values, and a
    /// larger one would reach the upstream rounded, a different number than the caller sent.
    private func stateIntegerRange(_ out: inout JSONObject) {
        let ranges: [String: (JSONValue, JSONValue)] = [
            "int32": (.int(Int64(Int32.min)), .int(Int64(Int32.max))), "int64": (.int(Int64.min), .int(Int64.max)),
        ]
        let isInteger = out["type"] == "integer" || out["type"]?.arrayValue?.contains("integer") == true
        let format = out["format"]?.stringValue.flatMap { ranges[$0] != nil ? $0 : nil } ?? (isInteger ? "int64" : nil)
        guard let format, let (low, high) = ranges[format] else { return }
        if out["minimum"] == nil, out["exclusiveMinimum"] == nil { out["minimum"] = low }
        if out["maximum"] == nil, out["exclusiveMaximum"] == nil { out["maximum"] = high }
    }

    private func applyExclusiveBounds(_ object: JSONObject, to out: inout JSONObject) {
        for (flag, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            if object[flag] == .bool(true), let limit = out[bound] {
                out[flag] = limit
                out.removeValue(forKey: bound)
            }
        }
        if object["type"] == .string("file") { out["format"] = "binary" }
    }

    private func makeNullable(_ schema: JSONObject) -> JSONValue {
        var out = schema
        if case .array(var values) = out["enum"], !values.contains(.null) {
            values.append(.null)
            out["enum"] = .array(values)
        }
        switch out["type"] {
        case .string(let type):
            out["type"] = [.string(type), "null"]
        case .array(var types):
            if !types.contains("null") { types.append("null") }
            out["type"] = .array(types)
        default:
            if out.isEmpty { return .object(out) }
            return ["anyOf": [.object(out), ["type": "null"]]]
        }
        return .object(out)
    }

    /// Merges `allOf` members into their parent when every member is a plain object schema with
    /// no conflicting property definitions; otherwise leaves `allOf` as it is.
    private func mergeAllOf(_ out: inout JSONObject) {
        guard case .array(let members) = out["allOf"], !members.isEmpty else { return }
        let mergeable: Set<String> = ["type", "properties", "required", "description", "title", "additionalProperties"]
        var properties = out["properties"]?.objectValue ?? JSONObject()
        var required = out["required"]?.arrayValue ?? []
        var descriptions: [String] = []
        for member in members {
            guard case .object(let object) = member, object.keys.allSatisfy(mergeable.contains),
                object["type"] == nil || object["type"] == "object", object["additionalProperties"] == nil
                    || object["additionalProperties"] == .bool(true)
            else { return }
            for (name, schema) in object["properties"]?.objectValue ?? [:] {
                if let existing = properties[name], existing != schema { return }
                properties[name] = schema
            }
            for name in object["required"]?.arrayValue ?? [] where !required.contains(name) { required.append(name) }
            if let description = object["description"]?.stringValue { descriptions.append(description) }
        }
        if let type = out["type"], type != "object" { return }
        out.removeValue(forKey: "allOf")
        out["type"] = "object"
        out["properties"] = .object(properties)
        if !required.isEmpty { out["required"] = .array(required) }
        if out["description"] == nil, !descriptions.isEmpty { out["description"] = .string(descriptions.joined(separator: "\n\n")) }
    }
}
