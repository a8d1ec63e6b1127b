import ArgumentParser
import GatewayRuntime
import MCPCore
import OpenAPIImport

/// `toolgate import FILE`: shows the tools a document becomes, with every diagnostic.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import an OpenAPI document and print the MCP tools it becomes."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, table, summary
    }

    @Argument(help: "The OpenAPI document: a file or an http(s) URL (JSON or YAML; OpenAPI 3.0, 3.1 or Swagger 2.0).")
    var file: String

    @Option(help: "Output format: json (tools and diagnostics), table, or summary (counts only).")
    var format: Format = .table

    @OptionGroup var importOptions: ImportFlags

    func run() async throws {
        let result: ImportResult
        do {
            result = try await SpecLoader.load(file, options: importOptions.options, remoteReferences: importOptions.remoteRefs)
        } catch {
            throw CommandFailure.exit(error.description)
        }
        switch format {
        case .json:
            print(Self.json(result).serialized())
        case .table:
            print(Self.table(result))
        case .summary:
            print(Self.summary(result).serialized())
        }
    }

    static func json(_ result: ImportResult) -> JSONValue {
        let tools = result.tools.map { imported -> JSONValue in
            guard case .object(var object) = imported.tool.jsonValue(for: .latest) else { return .null }
            object["x-toolgate"] = [
                "method": .string(imported.binding.method),
                "path": .string(imported.binding.pathTemplate),
                "server": imported.binding.serverURL.map(JSONValue.string) ?? .null,
            ]
            return .object(object)
        }
        let diagnostics = result.diagnostics.map { diagnostic -> JSONValue in
            ["severity": .string(diagnostic.severity.rawValue), "pointer": .string(diagnostic.pointer), "message": .string(diagnostic.message)]
        }
        return [
            "specVersion": .string(result.specVersion),
            "title": result.title.map(JSONValue.string) ?? .null,
            "summary": summary(result),
            "tools": .array(tools),
            "diagnostics": .array(diagnostics),
        ]
    }

    static func summary(_ result: ImportResult) -> JSONValue {
        [
            "operations": .int(Int64(result.operationCount)),
            "tools": .int(Int64(result.tools.count)),
            "skipped": .int(Int64(result.skippedCount)),
            "excluded": .int(Int64(result.excludedCount)),
            "errors": .int(Int64(result.diagnostics.filter { $0.severity == .error }.count)),
            "warnings": .int(Int64(result.diagnostics.filter { $0.severity == .warning }.count)),
        ]
    }

    static func table(_ result: ImportResult) -> String {
        let width = min(64, result.tools.map(\.tool.name.count).max() ?? 4)
        var lines = ["\(result.title ?? "untitled") (OpenAPI \(result.specVersion))", ""]
        lines.append("TOOL".padding(width) + "  METHOD  PATH")
        for imported in result.tools {
            lines.append(imported.tool.name.padding(width) + "  " + imported.binding.method.padding(6) + "  " + imported.binding.pathTemplate)
        }
        lines.append("")
        for diagnostic in result.diagnostics where diagnostic.severity >= .warning {
            lines.append(diagnostic.description)
        }
        let counts = summary(result)
        lines.append(
            "operations: \(counts["operations"]!), tools: \(counts["tools"]!), skipped: \(counts["skipped"]!), excluded: \(counts["excluded"]!), "
                + "warnings: \(counts["warnings"]!), errors: \(counts["errors"]!)"
        )
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
