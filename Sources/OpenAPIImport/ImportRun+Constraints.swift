import MCPCore

extension ImportRun {
    /// The parameter's schema with what the request can carry stated in it, so a client never
    /// meets a refusal its schema did not predict: a path segment cannot be empty, `.` or `..`;
    /// a required query, header or cookie parameter cannot be an empty list or object (it would
    /// vanish from the request), nor an empty query value where the document does not allow one;
    /// a header value cannot hold control characters.
    static func constrain(_ schema: JSONValue, for parameter: ResolvedParameter) -> JSONValue {
        var added: [(String, JSONValue)] = []
        switch parameter.location {
        case .path:
            added = [("pattern", .string(ArgumentRules.pathSegmentPattern)), ("minItems", 1), ("minProperties", 1)]
        case .query:
            if parameter.required {
                added = [("minItems", 1), ("minProperties", 1)]
                if !parameter.allowEmptyValue { added.append(("minLength", 1)) }
            }
        case .header:
            added = [("not", ["type": "string", "pattern": .string(ArgumentRules.headerControlCharacters)])]
            if parameter.required { added += [("minItems", 1), ("minProperties", 1)] }
        case .cookie:
            if parameter.required { added = [("minItems", 1), ("minProperties", 1)] }
        }
        return adding(applicable(added, to: schema), to: schema)
    }

    /// A required form field's schema with what a form can carry stated in it: an empty list
    /// (and, URL-encoded, an empty object) leaves no key=value pair, so the field would vanish.
    static func constrainFormField(_ schema: JSONValue, urlEncoded: Bool) -> JSONValue {
        var added: [(String, JSONValue)] = [("minItems", 1)]
        if urlEncoded { added.append(("minProperties", 1)) }
        return adding(applicable(added, to: schema), to: schema)
    }

    /// The keywords that can apply to the types the schema admits (no `minLength` on an integer).
    private static func applicable(_ keywords: [(String, JSONValue)], to schema: JSONValue) -> [(String, JSONValue)] {
        guard let types = types(of: schema) else { return keywords }
        let appliesTo: [String: String] = ["minLength": "string", "pattern": "string", "minItems": "array", "minProperties": "object", "not": "string"]
        return keywords.filter { keyword, _ in types.contains(appliesTo[keyword] ?? "") }
    }

    /// The types a schema's `type` names (or, without one, every `anyOf`/`oneOf` option's
    /// together), or nil when that is not known.
    private static func types(of schema: JSONValue) -> Set<String>? {
        switch schema["type"] {
        case .string(let type): return [type]
        case .array(let list): return Set(list.compactMap(\.stringValue))
        default:
            guard let options = (schema["anyOf"] ?? schema["oneOf"])?.arrayValue, !options.isEmpty else { return nil }
            var union = Set<String>()
            for option in options {
                guard let types = types(of: option) else { return nil }
                union.formUnion(types)
            }
            return union
        }
    }

    /// Adds keywords to a schema; one that is already there (or a `$ref` target's) joins an
    /// `allOf`, so the original constraint and the new one both hold.
    static func adding(_ keywords: [(String, JSONValue)], to schema: JSONValue) -> JSONValue {
        guard !keywords.isEmpty else { return schema }
        var object: JSONObject
        switch schema {
        case .object(let existing): object = existing
        case .bool(true): object = [:]
        default: return schema
        }
        var extra: [JSONValue] = object["allOf"]?.arrayValue ?? []
        for (keyword, value) in keywords {
            if let present = object[keyword] {
                if present == value { continue }
                if keyword.hasPrefix("min"), let old = present.intValue, let new = value.intValue {
                    object[keyword] = .int(max(old, new))
                    continue
                }
                extra.append(.object([keyword: value]))
            } else {
                object[keyword] = value
            }
        }
        if !extra.isEmpty { object["allOf"] = .array(extra) }
        return .object(object)
    }
}
