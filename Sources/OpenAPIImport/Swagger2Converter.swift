import MCPCore

/// Converts a Swagger 2.0 document tree into the OpenAPI 3.0 shape the rest of the importer reads:
/// `host`+`basePath`+`schemes` → `servers`, `definitions` → `components/schemas`, `in: body` and
/// `in: formData` → `requestBody`, `collectionFormat` → `style`/`explode`, `consumes`/`produces`
/// → content maps, `securityDefinitions` → `components/securitySchemes`.
enum Swagger2Converter {
    /// `hasBaseURL`: the base URL is configured, so a missing `host` is not worth a warning.
    static func convert(_ root: JSONValue, hasBaseURL: Bool = false, diagnostics: inout DiagnosticLog) -> JSONValue {
        guard case .object(let source) = root else { return root }
        let rewritten = rewriteRefs(root)
        var out: JSONObject = ["openapi": "3.0.3"]
        out["info"] = source["info"] ?? ["title": "Untitled", "version": ""]
        if let host = source["host"]?.stringValue, !host.isEmpty {
            let schemes = source["schemes"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let scheme = schemes.contains("https") ? "https" : (schemes.first ?? "https")
            let basePath = source["basePath"]?.stringValue ?? ""
            out["servers"] = [["url": .string("\(scheme)://\(host)\(basePath == "/" ? "" : basePath)")]]
        } else {
            if !hasBaseURL { diagnostics.add(.warning, "/host", "Swagger 2.0 document has no 'host': the base URL must come from configuration (--base-url)") }
            if let basePath = source["basePath"]?.stringValue, basePath != "/" {
                out["servers"] = [["url": .string(basePath)]]
            }
        }
        var components = JSONObject()
        if let definitions = rewritten["definitions"] { components["schemas"] = definitions }
        if let responses = rewritten["responses"]?.objectValue {
            let produces = mediaTypes(source["produces"], fallback: "application/json")
            components["responses"] = .object(responses.mapValues { convertResponse($0, produces: produces) })
        }
        if let security = source["securityDefinitions"]?.objectValue {
            components["securitySchemes"] = .object(security.mapValues(convertSecurityScheme))
        }
        out["components"] = .object(components)
        if let tags = source["tags"] { out["tags"] = tags }
        if let bundle = rewritten[ExternalReferenceBundler.bundleKey] { out[ExternalReferenceBundler.bundleKey] = bundle }
        if let security = source["security"] { out["security"] = security }

        let consumes = mediaTypes(source["consumes"], fallback: "application/json")
        let produces = mediaTypes(source["produces"], fallback: "application/json")
        var paths = JSONObject()
        for (path, rawItem) in rewritten["paths"]?.objectValue ?? [:] {
            guard case .object(let item) = rawItem else { continue }
            var newItem = JSONObject()
            let shared = item["parameters"]?.arrayValue ?? []
            for (key, value) in item {
                guard ImportRun.methods.contains(key), case .object(let operation) = value else {
                    if key != "parameters" { newItem[key] = value }
                    continue
                }
                let pointer = JSONPointer.join("/paths", path, key)
                newItem[key] = .object(
                    convertOperation(
                        operation, shared: shared, root: rewritten, consumes: consumes, produces: produces,
                        pointer: pointer, diagnostics: &diagnostics
                    )
                )
            }
            paths[path] = .object(newItem)
        }
        out["paths"] = .object(paths)
        return .object(out)
    }

    private static func mediaTypes(_ value: JSONValue?, fallback: String) -> [String] {
        let types = value?.arrayValue?.compactMap(\.stringValue) ?? []
        return types.isEmpty ? [fallback] : types
    }

    /// Members of these objects are names (of properties, definitions...), not keywords.
    private static let nameMaps: Set<String> = [
        "properties", "definitions", "parameters", "responses", "patternProperties", "securityDefinitions", "paths",
        ExternalReferenceBundler.bundleKey,
    ]

    /// Rewrites 2.0 reference targets to their 3.0 places, leaving examples untouched.
    private static func rewriteRefs(_ value: JSONValue, namesOnly: Bool = false) -> JSONValue {
        switch value {
        case .object(let object):
            var out = JSONObject(minimumCapacity: object.count)
            for (key, member) in object {
                if namesOnly {
                    out[key] = rewriteRefs(member)
                } else if key == "$ref", case .string(let ref) = member {
                    out[key] = .string(
                        ref.replacingPrefix("#/definitions/", with: "#/components/schemas/")
                            .replacingPrefix("#/responses/", with: "#/components/responses/")
                    )
                } else if key == "example" || key == "examples" || key == "x-example" {
                    out[key] = member
                } else if key == "x-nullable", member == .bool(true) {
                    out["nullable"] = true
                } else {
                    out[key] = rewriteRefs(member, namesOnly: nameMaps.contains(key) && member.objectValue != nil)
                }
            }
            return .object(out)
        case .array(let array):
            return .array(array.map { rewriteRefs($0) })
        default:
            return value
        }
    }

    private static func convertOperation(
        _ operation: JSONObject, shared: [JSONValue], root: JSONValue, consumes: [String], produces: [String],
        pointer: String, diagnostics: inout DiagnosticLog
    ) -> JSONObject {
        var out = operation
        out.removeValue(forKey: "consumes")
        out.removeValue(forKey: "produces")
        out.removeValue(forKey: "schemes")
        let consumes = mediaTypes(operation["consumes"], fallback: consumes.first ?? "application/json")
        let produces = mediaTypes(operation["produces"], fallback: produces.first ?? "application/json")

        var merged: [(key: String, value: JSONObject)] = []
        for raw in shared + (operation["parameters"]?.arrayValue ?? []) {
            guard let parameter = resolveParameter(raw, root: root), let name = parameter["name"]?.stringValue else { continue }
            let key = "\(parameter["in"]?.stringValue ?? ""):\(name)"
            if let index = merged.firstIndex(where: { $0.key == key }) {
                merged[index].value = parameter
            } else {
                merged.append((key, parameter))
            }
        }
        var parameters: [JSONValue] = []
        var formFields = JSONObject()
        var formEncoding = JSONObject()
        var formRequired: [JSONValue] = []
        var hasFile = false
        for (_, parameter) in merged {
            let name = parameter["name"]?.stringValue ?? ""
            switch parameter["in"]?.stringValue {
            case "body":
                var body: JSONObject = [
                    "content": .object(
                        consumes.reduce(into: JSONObject()) { $0[$1] = ["schema": parameter["schema"] ?? .object([:])] }
                    )
                ]
                if let description = parameter["description"] { body["description"] = description }
                if parameter["required"] == .bool(true) { body["required"] = true }
                out["requestBody"] = .object(body)
            case "formData":
                var schema = simpleSchema(parameter)
                if parameter["type"] == "file" {
                    hasFile = true
                    schema = ["type": "string", "format": "binary"]
                    if let description = parameter["description"] { schema["description"] = description }
                } else if parameter["allowEmptyValue"] != .bool(true), schema["type"] == "string",
                    !(schema["enum"]?.arrayValue?.contains("") ?? false), (schema["minLength"]?.intValue ?? 0) < 1
                {
                    // 2.0 allows an empty form value only where `allowEmptyValue` says so; the
                    // field's schema states it, so a client never sends one the API refuses.
                    schema["minLength"] = 1
                }
                if parameter["type"] == "array" {
                    formEncoding[name] = .object(Self.encoding(collectionFormat: parameter["collectionFormat"]?.stringValue) ?? ["style": "form", "explode": false])
                }
                formFields[name] = .object(schema)
                if parameter["required"] == .bool(true) { formRequired.append(.string(name)) }
            case "path", "query", "header":
                parameters.append(.object(convertParameter(parameter, pointer: pointer, diagnostics: &diagnostics)))
            default:
                diagnostics.add(.warning, pointer, "parameter '\(name)' has an unknown location; skipped")
            }
        }
        if !formFields.isEmpty {
            let formType = hasFile || consumes.contains("multipart/form-data") && !consumes.contains("application/x-www-form-urlencoded")
                ? "multipart/form-data" : "application/x-www-form-urlencoded"
            var schema: JSONObject = ["type": "object", "properties": .object(formFields)]
            if !formRequired.isEmpty { schema["required"] = .array(formRequired) }
            var media: JSONObject = ["schema": .object(schema)]
            if formType == "application/x-www-form-urlencoded", !formEncoding.isEmpty { media["encoding"] = .object(formEncoding) }
            out["requestBody"] = [
                "content": [formType: .object(media)],
                "required": .bool(!formRequired.isEmpty),
            ]
        }
        if parameters.isEmpty { out.removeValue(forKey: "parameters") } else { out["parameters"] = .array(parameters) }
        if let responses = operation["responses"]?.objectValue {
            out["responses"] = .object(responses.mapValues { convertResponse($0, produces: produces) })
        }
        return out
    }

    private static func resolveParameter(_ raw: JSONValue, root: JSONValue) -> JSONObject? {
        if let ref = raw["$ref"]?.stringValue {
            guard ref.hasPrefix("#"), let target = JSONPointer.resolve(String(ref.dropFirst()), in: root) else { return nil }
            return target.objectValue
        }
        return raw.objectValue
    }

    private static func convertParameter(_ parameter: JSONObject, pointer: String, diagnostics: inout DiagnosticLog) -> JSONObject {
        var out: JSONObject = [:]
        for key in ["name", "in", "description", "required", "deprecated", "allowEmptyValue"] {
            if let value = parameter[key] { out[key] = value }
        }
        out["schema"] = .object(simpleSchema(parameter))
        let location = parameter["in"]?.stringValue ?? "query"
        if parameter["type"] == "array" {
            let encoding = Self.encoding(collectionFormat: parameter["collectionFormat"]?.stringValue)
                ?? ["style": .string(location == "query" ? "form" : "simple"), "explode": false]
            for (key, value) in encoding { out[key] = value }
        }
        return out
    }

    /// A 2.0 `collectionFormat` as 3.0 `style`/`explode`; nil for `csv` (the default), whose
    /// style depends on where the value goes.
    private static func encoding(collectionFormat: String?) -> JSONObject? {
        switch collectionFormat ?? "csv" {
        case "multi": ["style": "form", "explode": true]
        case "ssv": ["style": "spaceDelimited", "explode": false]
        case "pipes": ["style": "pipeDelimited", "explode": false]
        case "tsv": ["style": "tabDelimited", "explode": false]
        default: nil
        }
    }

    /// A 2.0 non-body parameter's inline type description as a schema.
    private static func simpleSchema(_ parameter: JSONObject) -> JSONObject {
        if let schema = parameter["schema"]?.objectValue { return schema }
        let keys = [
            "type", "format", "items", "enum", "default", "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum",
            "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "multipleOf", "nullable",
        ]
        var schema = JSONObject()
        for key in keys {
            if let value = parameter[key] { schema[key] = value }
        }
        if let example = parameter["x-example"] { schema["example"] = example }
        return schema
    }

    private static func convertResponse(_ response: JSONValue, produces: [String]) -> JSONValue {
        guard case .object(var object) = response, object["$ref"] == nil else { return response }
        if let schema = object.removeValue(forKey: "schema") {
            object["content"] = .object(produces.reduce(into: JSONObject()) { $0[$1] = ["schema": schema] })
        }
        object.removeValue(forKey: "examples")
        if object["description"] == nil { object["description"] = "" }
        return .object(object)
    }

    private static func convertSecurityScheme(_ scheme: JSONValue) -> JSONValue {
        guard case .object(let object) = scheme else { return scheme }
        switch object["type"]?.stringValue {
        case "basic":
            return ["type": "http", "scheme": "basic"]
        case "apiKey":
            return ["type": "apiKey", "name": object["name"] ?? "", "in": object["in"] ?? "header"]
        case "oauth2":
            var flow = JSONObject()
            for key in ["authorizationUrl", "tokenUrl"] { if let value = object[key] { flow[key] = value } }
            flow["scopes"] = object["scopes"] ?? .object([:])
            let flowName: String
            switch object["flow"]?.stringValue {
            case "implicit": flowName = "implicit"
            case "password": flowName = "password"
            case "application": flowName = "clientCredentials"
            default: flowName = "authorizationCode"
            }
            return ["type": "oauth2", "flows": [flowName: .object(flow)]]
        default:
            return scheme
        }
    }
}

extension String {
    fileprivate func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
