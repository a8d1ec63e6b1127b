import Foundation
import GatewayCore
import MCPCore
import OpenAPIImport

/// Paths to the repository's fixtures and to the shared corpus.
enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func openAPI(_ name: String) -> String {
        repository.appendingPathComponent("fixtures/openapi/\(name)").path
    }

    static func golden(_ name: String) -> URL {
        repository.appendingPathComponent("fixtures/golden/\(name.replacingOccurrences(of: "/", with: "_")).json")
    }

    /// `../shared/specs-corpus` beside the repository, when present.
    static var corpus: URL? {
        let url = repository.deletingLastPathComponent().appendingPathComponent("shared/specs-corpus")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    static func load(_ name: String, options: ImportOptions = ImportOptions()) throws -> ImportResult {
        try OpenAPIImporter(options: options).importDocument(path: openAPI(name))
    }

    /// `^[a-zA-Z0-9_-]{1,64}$`, and with `letterFirst` a leading letter.
    static func isValidToolName(_ name: String, letterFirst: Bool = false) -> Bool {
        guard (1...64).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            return false
        }
        return !letterFirst || name.first!.isLetter
    }

    static func tool(_ result: ImportResult, _ name: String) -> ImportedTool? {
        result.tools.first { $0.tool.name == name }
    }

    /// A stable JSON rendering of an import: tools, bindings and diagnostics.
    static func render(_ result: ImportResult) -> JSONValue {
        let tools = result.tools.map { imported -> JSONValue in
            let binding = imported.binding
            let parameters = binding.parameters.map { parameter -> JSONValue in
                [
                    "argument": .string(parameter.argument), "name": .string(parameter.name), "in": .string(parameter.location.rawValue),
                    "required": .bool(parameter.required), "style": .string(parameter.style), "explode": .bool(parameter.explode),
                ]
            }
            var body: JSONValue = .null
            if let bodyBinding = binding.body {
                let shape: JSONValue
                switch bodyBinding.shape {
                case .whole(let argument): shape = ["whole": .string(argument)]
                case .fields(let fields): shape = ["fields": .object(JSONObject(uniqueKeysWithValues: fields.map { ($0.argument, .string($0.property)) }))]
                }
                body = ["mediaType": .string(bodyBinding.mediaType), "required": .bool(bodyBinding.required), "shape": shape]
            }
            return [
                "tool": imported.tool.jsonValue(for: .latest),
                "binding": [
                    "method": .string(binding.method), "path": .string(binding.pathTemplate),
                    "server": binding.serverURL.map(JSONValue.string) ?? .null, "parameters": .array(parameters), "body": body,
                ],
            ]
        }
        return [
            "specVersion": .string(result.specVersion),
            "tools": .array(tools),
            "diagnostics": .array(result.diagnostics.map { .string($0.description) }),
        ]
    }
}
