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
import MCPCore
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

    static func send(_ method: String, _ url: String) async throws -> (status: Int, allow: String?, error: JSONValue?) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "Allow"), try JSONParser().parse(Array(data))["error"])
    }

    @Test("a request no route takes gets a JSON error saying what is served: 404, or 405 with Allow for a served path")
    func unmatchedRoutes() async throws {
        let spec = Self.repository.appendingPathComponent("specs/demo-api.yaml").path
        let server = VirtualServerConfiguration(name: "clinic", source: .openAPI(OpenAPISource(spec: spec)))
        let gateway = try await Gateway.build(GatewayConfiguration(servers: [server]), logger: Self.logger)
        try await withLiveServer(gateway.routes().router) { port in
            let base = "http://127.0.0.1:\(port)"
            let other = try await Self.send("GET", base + "/admin")
            #expect(other.status == 404)
            #expect(other.error?["message"] == "no route for GET /admin; MCP servers answer at /mcp/<name>")
            #expect(other.error?["code"] == "not_found")
            let model = try await Self.send("POST", base + "/v1/chat/completions")
            #expect(model.status == 404)
            #expect(model.error?["message"] == "no route for POST /v1/chat/completions: this gateway serves no models (the configuration has no `models:`)")
            let method = try await Self.send("POST", base + "/healthz")
            #expect(method.status == 405 && method.allow == "GET")
            #expect(method.error?["message"] == "POST /healthz is not served; /healthz takes GET")
            #expect(method.error?["code"] == "method_not_allowed")
            // Matched routes are answered by their handlers, their own errors included.
            #expect(try await Self.get(base + "/healthz") == (200, #"{"status":"ok"}"#))
            #expect(try await Self.send("GET", base + "/mcp/nope").error?["message"] == "no MCP server at /mcp/nope; this gateway serves /mcp/clinic")
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
