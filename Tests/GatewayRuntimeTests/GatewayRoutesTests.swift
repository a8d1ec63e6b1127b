import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayConfig
import GatewayCore
import GatewayRuntime
import GatewayTesting
import Hummingbird
import Logging
import OpenAPIImport
import Testing

/// A `/v1`-style route group, as the model routes will be mounted.
struct EchoRoutes: GatewayRoutes {
    func register(on router: GatewayRouter) {
        router.get("/v1/models") { _, _ in #"{"object":"list","data":[]}"# }
    }
}

/// The runtime built from a configuration: its route table and its start-up failures.
@Suite("Gateway runtime")
struct GatewayRoutesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var logger: Logger {
        var logger = Logger(label: "runtime-tests")
        logger.logLevel = .critical
        return logger
    }

    static func get(_ url: String) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test("mounted route groups answer beside the MCP endpoints, /healthz and /readyz; an unknown /mcp path gets a JSON 404")
    func routeTable() async throws {
        let spec = Self.repository.appendingPathComponent("specs/demo-api.yaml").path
        let server = VirtualServerConfiguration(name: "clinic", source: .openAPI(OpenAPISource(spec: spec)))
        let gateway = try await Gateway.build(GatewayConfiguration(servers: [server]), routes: [EchoRoutes()], logger: Self.logger)
        #expect(gateway.servers.map(\.endpoint.path) == ["/mcp/clinic"])
        let (router, services) = gateway.routes()
        #expect(services.count == 2, "the endpoint's session sweeper and keep-alive")
        try await withLiveServer(router) { port in
            let base = "http://127.0.0.1:\(port)"
            #expect(try await Self.get(base + "/v1/models") == (200, #"{"object":"list","data":[]}"#))
            #expect(try await Self.get(base + "/healthz") == (200, #"{"status":"ok"}"#))
            let ready = try await Self.get(base + "/readyz")
            #expect(ready.status == 200 && ready.body.contains(#""clinic":"#))
            let unknown = try await Self.get(base + "/mcp/nope")
            #expect(unknown.status == 404)
            #expect(unknown.body.contains("no MCP server at /mcp/nope; this gateway serves /mcp/clinic"))
        }
        await gateway.shutdown()
    }

    @Test("a document that does not import is a start-up error naming the server")
    func importFailure() async throws {
        let server = VirtualServerConfiguration(name: "broken", source: .openAPI(OpenAPISource(spec: "/nonexistent/spec.yaml")))
        await #expect {
            _ = try await Gateway.build(GatewayConfiguration(servers: [server]), logger: Self.logger)
        } throws: { error in
            guard let error = error as? GatewayStartupError else { return false }
            return error.code == .importFailed && error.message.hasPrefix("server 'broken': ")
        }
    }
}
