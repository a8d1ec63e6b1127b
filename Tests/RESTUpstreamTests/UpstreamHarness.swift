import AsyncHTTPClient
import Foundation
import GatewayCore
import GatewayTesting
import Logging
import MCPCore
import OpenAPIImport
import RESTUpstream

/// The upstream fixture imported once, and a provider pointed at a live recording upstream.
enum UpstreamHarness {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let imported = try! OpenAPIImporter().importDocument(path: repository.appendingPathComponent("fixtures/openapi/upstream.yaml").path)
    static let client = RESTExecutor.makeHTTPClient()

    static var logger: Logger {
        var logger = Logger(label: "rest-tests")
        logger.logLevel = .error
        return logger
    }

    /// Runs `body` with a live recording upstream and a provider whose base URL points at it.
    /// A recording upstream on 127.0.0.1 and a provider for `document` (upstream.yaml by default)
    /// whose base URL is that upstream plus `basePath`.
    static func withUpstream<R: Sendable>(
        document: ImportResult? = nil, basePath: String = "", limits: RESTExecutor.Limits = .init(),
        _ body: @Sendable (RecordingUpstream, OpenAPIToolProvider) async throws -> R
    ) async throws -> R {
        let upstream = RecordingUpstream()
        return try await withLiveServer(upstream.router()) { port in
            let executor = RESTExecutor(client: client, limits: limits, logger: logger)
            let provider = OpenAPIToolProvider(imported: document ?? imported, executor: executor, baseURL: "http://127.0.0.1:\(port)\(basePath)")
            return try await body(upstream, provider)
        }
    }

    static func call(_ provider: OpenAPIToolProvider, _ name: String, _ arguments: JSONObject) async throws -> MCPToolResult {
        try await provider.call(ToolCall(name: name, arguments: arguments), context: CallContext(server: "test", transport: "test"))
    }
}

extension MCPToolResult {
    /// The concatenated text blocks.
    var text: String {
        content.compactMap { if case .text(let text) = $0 { return text } else { return nil } }.joined(separator: "\n")
    }
}
