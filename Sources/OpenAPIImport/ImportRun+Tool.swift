import Foundation
import MCPCore
import OrderedCollections

extension ImportRun {
    func buildTool(path: String, method: String, operation: JSONValue, item: JSONObject, itemPointer: String, pointer: String) -> ImportedTool {
        translator.beginDocument(mode: .input)
        var names = ArgumentNames()
        var properties = JSONObject()
        var required: [JSONValue] = []

        var parameters = collectParameters(path: path, operation: operation, item: item, itemPointer: itemPointer, pointer: pointer)
        let accept = parameters.first { $0.gatewayValue != nil }?.gatewayValue
        parameters.removeAll { $0.gatewayValue != nil }
        var bindings: [ParameterBinding] = []
        for location in ParameterLocation.allCases {
            for parameter in parameters where parameter.location == location {
                let argument = names.claim(parameter.name, location: location.rawValue)
                var schema = Self.constrain(translator.translate(parameter.schema, pointer: parameter.schemaPointer), for: parameter)
                if let description = parameter.description, case .object(var object) = schema, object["description"] == nil {
                    object["description"] = .string(description)
                    schema = .object(object)
                }
                properties[argument] = schema
                if parameter.required { required.append(.string(argument)) }
                bindings.append(
                    ParameterBinding(
                        argument: argument, name: parameter.name, location: location, required: parameter.required,
                        style: parameter.style, explode: parameter.explode, allowReserved: parameter.allowReserved,
                        contentMediaType: parameter.contentMediaType, allowEmptyValue: parameter.allowEmptyValue
                    )
                )
            }
        }

        var dependentRequired = JSONObject()
        let body = buildBody(
            operation: operation, pointer: pointer, names: &names, properties: &properties, required: &required, dependentRequired: &dependentRequired
        )

        let operationID = operation["operationId"]?.stringValue
        let raw = operationID.flatMap { $0.isEmpty ? nil : $0 } ?? "\(method)_\(path)"
        let override = options.overrides[raw] ?? options.overrides[ToolNamer.sanitize(raw)]
        let fixed = override?.fixedArguments ?? [:]
        for argument in fixed.keys {
            if properties.removeValue(forKey: argument) == nil {
                diagnostics.add(.warning, pointer, "override fixes argument '\(argument)', which the operation does not have")
            }
        }
        required.removeAll { fixed[$0.stringValue ?? ""] != nil }
        for argument in fixed.keys { dependentRequired.removeValue(forKey: argument) }
        for (argument, others) in dependentRequired {
            let kept = (others.arrayValue ?? []).filter { fixed[$0.stringValue ?? ""] == nil }
            dependentRequired[argument] = kept.isEmpty ? nil : .array(kept)
        }

        var inputSchema: JSONObject = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { inputSchema["required"] = .array(required) }
        if !dependentRequired.isEmpty { inputSchema["dependentRequired"] = .object(dependentRequired) }
        inputSchema["additionalProperties"] = false
        translator.finishDocument(&inputSchema)

        let name = namer.name(for: override?.name ?? raw, disambiguator: "\(method) \(path)")
        // Any rename is said, including characters a tool name cannot hold (`/`, `.`, spaces).
        if let operationID, operationID != name, override?.name == nil {
            diagnostics.add(.info, JSONPointer.join(pointer, "operationId"), "operationId '\(operationID)' is exposed as tool '\(name)'")
        }

        let summary = operation["summary"]?.stringValue?.trimmedWhitespace
        let tool = MCPTool(
            name: name,
            title: summary.flatMap { $0.isEmpty ? nil : String($0.prefix(120)) },
            description: override?.description ?? describe(operation: operation, method: method, path: path),
            inputSchema: .object(inputSchema),
            outputSchema: options.outputSchemas ? outputSchema(operation: operation, pointer: pointer) : nil,
            annotations: annotations(method: method, title: summary)
        )
        let binding = OperationBinding(
            method: method.uppercased(), pathTemplate: path,
            serverURL: serverURL(operation: operation, item: item, pointer: pointer),
            parameters: bindings, body: body, operationID: operationID, pointer: pointer, fixedArguments: fixed,
            security: securityRequirements(of: operation), accept: accept
        )
        return ImportedTool(tool: tool, binding: binding)
    }

    private func describe(operation: JSONValue, method: String, path: String) -> String {
        let parts = [operation["summary"]?.stringValue, operation["description"]?.stringValue]
            .compactMap { $0?.trimmedWhitespace }
            .filter { !$0.isEmpty }
        var text = parts.count == 2 && parts[1].hasPrefix(parts[0]) ? parts[1] : parts.joined(separator: "\n\n")
        if text.isEmpty { text = "\(method.uppercased()) \(path)" }
        if operation["deprecated"] == .bool(true) { text = "Deprecated. " + text }
        if text.count > options.maxDescriptionLength {
            text = String(text.prefix(max(1, options.maxDescriptionLength - 1))) + "…"
        }
        return text
    }

    private func annotations(method: String, title: String?) -> MCPToolAnnotations {
        var annotations = MCPToolAnnotations(title: title.flatMap { $0.isEmpty ? nil : String($0.prefix(120)) }, openWorldHint: true)
        switch method {
        case "get", "head", "options":
            annotations.readOnlyHint = true
        case "delete":
            annotations.readOnlyHint = false
            annotations.destructiveHint = true
            annotations.idempotentHint = true
        case "put":
            annotations.readOnlyHint = false
            annotations.idempotentHint = true
        default:
            annotations.readOnlyHint = false
        }
        return annotations
    }

    private func outputSchema(operation: JSONValue, pointer: String) -> JSONValue? {
        guard let responses = operation["responses"]?.objectValue else { return nil }
        for (status, rawResponse) in responses where status.hasPrefix("2") {
            let response = resolve(rawResponse, pointer: JSONPointer.join(pointer, "responses", status))
            guard let content = response.value["content"]?.objectValue,
                let (mediaType, media) = content.elements.first(where: { Self.isJSON($0.key) }),
                let schema = media["schema"]
            else { continue }
            translator.beginDocument(mode: .output)
            let translated = translator.translate(schema, pointer: JSONPointer.join(response.pointer, "content", mediaType, "schema"))
            guard case .object(var object) = translated, object["type"] == "object" else { return nil }
            translator.finishDocument(&object)
            return .object(object)
        }
        return nil
    }

    static func isJSON(_ mediaType: String) -> Bool {
        let base = mediaType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return base == "application/json" || base.hasSuffix("+json")
    }
}

extension String {
    /// Without leading and trailing whitespace (stdlib only: Foundation's version bridges to NSString).
    var trimmedWhitespace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
