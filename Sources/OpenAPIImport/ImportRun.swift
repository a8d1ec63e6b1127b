import Foundation
import GatewayCore
import MCPCore
import OrderedCollections

/// The state of one import: the translator, the namer, the diagnostics.
final class ImportRun {
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    let root: JSONValue
    let version: String
    let location: String?
    let options: ImportOptions
    let translator: SchemaTranslator
    var namer: ToolNamer
    var diagnostics = DiagnosticLog()

    init(root: JSONValue, version: String, location: String?, options: ImportOptions, diagnostics: DiagnosticLog) {
        var document = root
        var early = diagnostics
        if version == "2.0" {
            document = Swagger2Converter.convert(root, hasBaseURL: options.baseURL != nil, diagnostics: &early)
        }
        self.root = document
        self.version = version
        self.location = location
        self.options = options
        self.translator = SchemaTranslator(root: document, nodeBudget: options.schemaNodeBudget)
        self.namer = ToolNamer(maxLength: options.maxNameLength, prefix: options.namePrefix)
        self.diagnostics = early
    }

    func run() -> ImportResult {
        var tools: [ImportedTool] = []
        var operationCount = 0
        var skipped = 0
        var excluded = 0
        let paths = root["paths"]?.objectValue ?? [:]
        if root["paths"] == nil {
            diagnostics.add(.info, "", "the document has no 'paths': no tools")
        }
        if options.baseURL == nil, version != "2.0", root["servers"]?.arrayValue?.isEmpty ?? true {
            diagnostics.add(.warning, "/servers", "the document declares no server: the base URL must come from configuration (--base-url)")
        }
        for (path, rawItem) in paths {
            let itemPointer = JSONPointer.join("/paths", path)
            let item = resolve(rawItem, pointer: itemPointer)
            guard let itemObject = item.value.objectValue else {
                diagnostics.add(.warning, itemPointer, "a path item must be an object; skipped")
                continue
            }
            for (method, rawOperation) in itemObject where Self.methods.contains(method) {
                operationCount += 1
                // Not in the specification, but real multi-file documents (DigitalOcean) put operations behind $ref.
                let (operation, pointer) = resolve(rawOperation, pointer: JSONPointer.join(item.pointer, method))
                guard operation.objectValue != nil else {
                    diagnostics.add(.warning, pointer, "an operation must be an object; skipped")
                    skipped += 1
                    continue
                }
                let tags = operation["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
                guard options.selection.admits(method: method, path: path, operationID: operation["operationId"]?.stringValue, tags: tags) else {
                    excluded += 1
                    continue
                }
                tools.append(buildTool(path: path, method: method, operation: operation, item: itemObject, itemPointer: item.pointer, pointer: pointer))
            }
        }
        var all = diagnostics
        all.append(contentsOf: translator.diagnostics)
        return ImportResult(
            tools: tools, diagnostics: all.items, specVersion: version, title: root["info"]?["title"]?.stringValue,
            operationCount: operationCount, skippedCount: skipped, excludedCount: excluded,
            securitySchemes: (root["components"]?["securitySchemes"]?.objectValue ?? [:]).reduce(into: [:]) { schemes, entry in
                schemes[entry.key] = SecurityScheme(resolve(entry.value, pointer: "/components/securitySchemes").value)
            }
        )
    }

    /// Follows a local `$ref` of a path item, parameter, request body or response.
    func resolve(_ value: JSONValue, pointer: String) -> (value: JSONValue, pointer: String) {
        var current = (value: value, pointer: pointer)
        for _ in 0..<16 {
            guard let ref = current.value["$ref"]?.stringValue else { return current }
            guard ref.hasPrefix("#"), let target = JSONPointer.resolve(String(ref.dropFirst()), in: root) else {
                diagnostics.add(.error, current.pointer, "reference '\(ref)' cannot be resolved")
                return (.object([:]), current.pointer)
            }
            current = (target, String(ref.dropFirst()))
        }
        diagnostics.add(.error, pointer, "reference chain too long or circular")
        return (.object([:]), pointer)
    }

    /// The operation's server URL: operation, then path item, then document `servers`.
    func serverURL(operation: JSONValue, item: JSONObject, pointer: String) -> String? {
        if let baseURL = options.baseURL { return baseURL }
        let candidates = [operation["servers"], item["servers"], root["servers"]]
        guard let server = candidates.compactMap({ $0?.arrayValue?.first }).first,
            var url = server["url"]?.stringValue
        else { return nil }
        for (name, variable) in server["variables"]?.objectValue ?? [:] {
            let value = variable["default"]?.stringValue ?? variable["enum"]?.arrayValue?.first?.stringValue ?? ""
            url = url.replacingOccurrences(of: "{\(name)}", with: value)
        }
        if url.hasPrefix("/") || !url.contains("://") {
            if let location, let base = URL(string: location), base.scheme?.hasPrefix("http") == true,
                let resolved = URL(string: url, relativeTo: base)
            {
                return resolved.absoluteString
            }
            diagnostics.add(.warning, "/servers", "server URL '\(url)' is relative: set a base URL in the configuration (--base-url)")
        }
        return url
    }
}

extension ImportRun {
    /// An operation's security requirements (its own, else the document's), as lists of scheme names.
    func securityRequirements(of operation: JSONValue) -> [[String]] {
        guard let requirements = (operation["security"] ?? root["security"])?.arrayValue else { return [] }
        return requirements.compactMap { $0.objectValue.map { Array($0.keys) } }
    }
}
