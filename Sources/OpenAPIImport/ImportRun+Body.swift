import MCPCore

extension ImportRun {
    /// Media types in order of preference for a request body.
    static func preferredMediaType(_ types: [String]) -> String? {
        let lowered = types.map { ($0, $0.lowercased()) }
        if let json = lowered.first(where: { isJSON($0.1) }) { return json.0 }
        for wanted in ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain", "application/octet-stream"] {
            if let match = lowered.first(where: { $0.1.hasPrefix(wanted) }) { return match.0 }
        }
        return types.first
    }

    /// A media type whose body is raw bytes (not JSON, XML, text or a form).
    static func isBinary(_ mediaType: String) -> Bool {
        let type = mediaType.lowercased()
        return !isJSON(type) && !type.containsBytes("json") && !type.containsBytes("xml") && !type.hasPrefix("text/")
            && !type.hasPrefix("application/x-www-form-urlencoded") && !type.hasPrefix("multipart/") && type != "*/*"
    }

    static func isForm(_ mediaType: String) -> Bool {
        mediaType.lowercased().hasPrefix("application/x-www-form-urlencoded")
    }

    /// A form property's Encoding Object as `style`/`explode` (OpenAPI's defaults: `form`, and
    /// `explode` true for `form`), or nil when it states neither.
    static func encoding(_ object: JSONValue?) -> FieldEncoding? {
        guard let object, object["style"] != nil || object["explode"] != nil else { return nil }
        let style = object["style"]?.stringValue ?? "form"
        return FieldEncoding(style: style, explode: object["explode"]?.boolValue ?? (style == "form"))
    }

    /// Adds the request body's arguments: an object body's properties become top-level arguments;
    /// any other body (array, scalar, union, free-form object) becomes one `body` argument.
    func buildBody(
        operation: JSONValue, pointer: String, names: inout ArgumentNames, properties: inout JSONObject, required: inout [JSONValue],
        dependentRequired: inout JSONObject
    ) -> BodyBinding? {
        guard let rawBody = operation["requestBody"] else { return nil }
        let (body, bodyPointer) = resolve(rawBody, pointer: JSONPointer.join(pointer, "requestBody"))
        guard let content = body["content"]?.objectValue, !content.isEmpty,
            let mediaType = Self.preferredMediaType(Array(content.keys))
        else {
            diagnostics.add(.warning, bodyPointer, "request body has no 'content'; not exposed")
            return nil
        }
        let isRequired = body["required"]?.boolValue ?? false
        let schemaPointer = JSONPointer.join(bodyPointer, "content", mediaType, "schema")
        let schema = translator.translate(content[mediaType]?["schema"] ?? .object([:]), pointer: schemaPointer)

        if case .object(let object) = schema, let fields = object["properties"]?.objectValue, !fields.isEmpty,
            object["type"] == nil || object["type"] == "object",
            object["oneOf"] == nil, object["anyOf"] == nil, object["allOf"] == nil, object["not"] == nil
        {
            let bodyRequired = Set((object["required"]?.arrayValue ?? []).compactMap(\.stringValue))
            let encodings = Self.isForm(mediaType) ? content[mediaType]?["encoding"]?.objectValue ?? [:] : [:]
            var bindings: [FieldBinding] = []
            let isMultipart = mediaType.lowercased().hasPrefix("multipart/form-data")
            var fields = fields
            if object["additionalProperties"] != .bool(false) {
                // A required property the document never describes: it must still be sent, so
                // it becomes an argument of any type rather than vanishing from `required`.
                for case .string(let name) in object["required"]?.arrayValue ?? [] where fields[name] == nil {
                    fields[name] = ["description": "Required by the API; its document does not describe this field."]
                    diagnostics.add(.warning, schemaPointer, "required body property '\(name)' is not described; accepted as any value")
                }
            }
            for (property, fieldSchema) in fields {
                let argument = names.claim(property, location: "body")
                var propertySchema = fieldSchema
                if bodyRequired.contains(property), Self.isForm(mediaType) || isMultipart {
                    propertySchema = Self.constrainFormField(fieldSchema, urlEncoded: !isMultipart)
                }
                properties[argument] = propertySchema
                if isRequired, bodyRequired.contains(property) { required.append(.string(argument)) }
                let isFile = propertySchema["anyOf"]?.arrayValue?.first?["contentEncoding"] == "base64"
                    || propertySchema["items"]?["anyOf"]?.arrayValue?.first?["contentEncoding"] == "base64"
                bindings.append(FieldBinding(argument: argument, property: property, isFile: isFile, encoding: Self.encoding(encodings[property])))
            }
            if !isRequired {
                // The body may be left out, but once any of its fields is given it is sent, and
                // then the body's own required fields must be there.
                let requiredArguments = bindings.filter { bodyRequired.contains($0.property) }.map(\.argument)
                if !requiredArguments.isEmpty {
                    for binding in bindings {
                        let others = requiredArguments.filter { $0 != binding.argument }
                        if !others.isEmpty { dependentRequired[binding.argument] = .array(others.map(JSONValue.string)) }
                    }
                }
            }
            return BodyBinding(mediaType: mediaType, required: isRequired, shape: .fields(bindings))
        }
        let argument = names.claim("body", location: "body")
        var bodySchema = schema
        if Self.isBinary(mediaType), schema["type"] == nil || schema["type"] == "string", schema["properties"] == nil {
            // Raw bytes (an image, a file): the argument is their base64 text, and the schema says so.
            bodySchema = [
                "type": "string", "contentEncoding": "base64", "contentMediaType": .string(mediaType),
                "pattern": .string(ArgumentRules.base64Pattern),
                "description": .string("The \(mediaType) body's bytes, base64-encoded (standard alphabet, with padding)."),
            ]
        }
        if let description = body["description"]?.stringValue, case .object(var object) = bodySchema, object["description"] == nil {
            object["description"] = .string(description)
            bodySchema = .object(object)
        }
        properties[argument] = bodySchema
        if isRequired { required.append(.string(argument)) }
        return BodyBinding(mediaType: mediaType, required: isRequired, shape: .whole(argument: argument))
    }
}
