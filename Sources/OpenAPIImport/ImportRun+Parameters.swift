import Foundation
import MCPCore

/// A parameter after `$ref` resolution and defaulting.
struct ResolvedParameter {
    var name: String
    var location: ParameterLocation
    var required: Bool
    var schema: JSONValue
    var schemaPointer: String
    var description: String?
    var style: String
    var explode: Bool
    var allowReserved: Bool
    var contentMediaType: String?
    var allowEmptyValue = false
    /// A header the gateway sends itself with this value (the document's declared `Accept`).
    var gatewayValue: String?
}

extension ImportRun {
    /// Path-item and operation parameters merged (the operation wins on the same name and location).
    func collectParameters(path: String, operation: JSONValue, item: JSONObject, itemPointer: String, pointer: String) -> [ResolvedParameter] {
        var merged: [String: ResolvedParameter] = [:]
        var order: [String] = []
        let sources: [(JSONValue?, String)] = [
            (item["parameters"], JSONPointer.join(itemPointer, "parameters")),
            (operation["parameters"], JSONPointer.join(pointer, "parameters")),
        ]
        for (list, listPointer) in sources {
            guard let list else { continue }
            guard case .array(let entries) = list else {
                diagnostics.add(.warning, listPointer, "'parameters' must be an array; ignored")
                continue
            }
            for (index, entry) in entries.enumerated() {
                guard let parameter = resolveParameter(entry, pointer: JSONPointer.join(listPointer, String(index))) else { continue }
                let key = "\(parameter.location.rawValue):\(parameter.name)"
                if merged[key] == nil { order.append(key) }
                merged[key] = parameter
            }
        }
        var result = order.compactMap { merged[$0] }
        let templateNames = Self.templateVariables(path)
        result.removeAll { parameter in
            guard parameter.location == .path, !templateNames.contains(parameter.name) else { return false }
            diagnostics.add(.warning, pointer, "path parameter '\(parameter.name)' does not appear in the path template; ignored")
            return true
        }
        for name in templateNames where !result.contains(where: { $0.location == .path && $0.name == name }) {
            diagnostics.add(.warning, pointer, "path template variable '{\(name)}' has no parameter; added as a required string")
            result.append(
                ResolvedParameter(
                    name: name, location: .path, required: true, schema: ["type": "string"], schemaPointer: pointer,
                    description: nil, style: "simple", explode: false, allowReserved: false
                )
            )
        }
        return result
    }

    private func resolveParameter(_ entry: JSONValue, pointer: String) -> ResolvedParameter? {
        let (value, here) = resolve(entry, pointer: pointer)
        guard let name = value["name"]?.stringValue, !name.isEmpty else {
            diagnostics.add(.warning, here, "a parameter needs a 'name'; skipped")
            return nil
        }
        guard let rawLocation = value["in"]?.stringValue, let location = ParameterLocation(rawValue: rawLocation) else {
            diagnostics.add(.warning, here, "parameter '\(name)' has an unknown location '\(value["in"]?.stringValue ?? "")'; skipped")
            return nil
        }
        if location == .header, ["accept", "content-type", "authorization"].contains(name.lowercased()) {
            diagnostics.add(.info, here, "header parameter '\(name)' is set by the gateway, not by the caller; not exposed")
            // The gateway's Accept must then be one the document allows.
            if name.lowercased() == "accept", let accept = acceptValue(value["schema"].map { translator.follow($0) }) {
                return ResolvedParameter(
                    name: name, location: location, required: false, schema: [:], schemaPointer: here, description: nil, style: "simple",
                    explode: false, allowReserved: false, gatewayValue: accept
                )
            }
            return nil
        }
        var schema: JSONValue = .object([:])
        var schemaPointer = JSONPointer.join(here, "schema")
        var contentMediaType: String?
        if let declared = value["schema"] {
            schema = declared
        } else if let content = value["content"]?.objectValue, let (mediaType, media) = content.elements.first {
            schema = media["schema"] ?? .object([:])
            schemaPointer = JSONPointer.join(here, "content", mediaType, "schema")
            contentMediaType = mediaType
        }
        var required = value["required"]?.boolValue ?? false
        if location == .path, !required {
            if value["required"] != nil {
                diagnostics.add(.warning, here, "path parameter '\(name)' must be required; treated as required")
            }
            required = true
        }
        let style = value["style"]?.stringValue ?? (location == .path || location == .header ? "simple" : "form")
        return ResolvedParameter(
            name: name, location: location, required: required, schema: schema, schemaPointer: schemaPointer,
            description: value["description"]?.stringValue, style: style,
            explode: value["explode"]?.boolValue ?? (style == "form"), allowReserved: value["allowReserved"]?.boolValue ?? false,
            contentMediaType: contentMediaType, allowEmptyValue: value["allowEmptyValue"]?.boolValue ?? false
        )
    }

    /// The Accept value a declared `Accept` parameter allows: its default, else a JSON media type
    /// among its `enum`, else the first listed; nil when it allows anything.
    private func acceptValue(_ schema: JSONValue?) -> String? {
        if let value = schema?["default"]?.stringValue { return value }
        let listed = schema?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return listed.first(where: Self.isJSON) ?? listed.first
    }

    static func templateVariables(_ path: String) -> [String] {
        var names: [String] = []
        var current: String?
        for character in path {
            if character == "{" {
                current = ""
            } else if character == "}" {
                if let name = current, !name.isEmpty, !names.contains(name) { names.append(name) }
                current = nil
            } else if current != nil {
                current?.append(character)
            }
        }
        return names
    }
}
