import ArgumentParser
import Foundation
import GatewayConfig
import GatewayRuntime
import MCPUpstream

/// `toolgate bridge [--port N] -- COMMAND ARGS...`: shares one stdio MCP server over streamable
/// HTTP at `/mcp` and legacy SSE at `/sse` + `/messages`, with `/healthz`, no configuration file.
/// The child runs once and is shared by every client (ids remapped); it restarts if it exits.
struct BridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bridge",
        abstract: "Share a stdio MCP server over streamable HTTP (/mcp) and legacy SSE (/sse).",
        discussion: "Example: toolgate bridge --port 8090 -- python3 -m mcp_server_time"
    )

    @Option(name: .long, help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    var port = 8090

    @Option(name: .long, help: "Seconds a tool call may take before it is cancelled.")
    var callTimeout: Double = 60

    @Option(name: .long, help: "A browser origin allowed to call the endpoint (repeatable).")
    var allowOrigin: [String] = []

    @OptionGroup var logging: LoggingOptions

    @Argument(parsing: .postTerminator, help: "The stdio MCP server's command and arguments (after --).")
    var command: [String] = []

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port: expected 0 to 65535 (0 picks a free port), found \(port)") }
        guard !command.isEmpty else { throw ValidationError("give the server's command after --, e.g. -- python3 -m mcp_server_time") }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        let server = StdioServerCommand(command: command[0], arguments: Array(command.dropFirst()))
        guard server.executablePath() != nil else { throw ValidationError("command not found: \(server.command)") }
        let name = (server.command as NSString).lastPathComponent
        // The operator typed the command: it is the whole allow-list.
        let stdio = StdioSource(command: server.command, arguments: server.arguments, callTimeout: callTimeout)
        var virtual = VirtualServerConfiguration(name: name, discovery: .off, source: .stdio(stdio))
        virtual.endpoint = .init(path: "/mcp", legacyPath: "")
        virtual.title = "Toolgate bridge: \(name)"
        var http = HTTPSettings()
        http.allowedOrigins = allowOrigin
        let configuration = GatewayConfiguration(host: host, port: port, http: http, servers: [virtual], allowedCommands: [server.command])
        let gateway = try await Gateway.build(configuration, logger: logger)
        // Once serving, ask the child for its tools before announcing the address, so a server
        // that cannot start is reported (with its reason) before anyone connects; it is started
        // again on the next call, and /readyz answers 503 with the reason meanwhile.
        let (running, announce) = AsyncStream.makeStream(of: (host: String, port: Int).self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { announce.finish() }
                try await gateway.serveHTTP(onRunning: { host, bound in announce.yield((host, bound)) })
            }
            group.addTask {
                for await (host, bound) in running {
                    let problem = await gateway.readiness().compactMap(\.problem).first
                    if let problem {
                        logger.error("the MCP server cannot start; calls fail with this reason until it does", metadata: ["reason": "\(problem)"])
                    }
                    logger.notice(
                        problem == nil ? "listening" : "listening (not ready: see /readyz)",
                        metadata: ["url": "http://\(host):\(bound)/mcp", "sse": "http://\(host):\(bound)/sse", "command": "\(server.command)"]
                    )
                }
            }
            try await group.waitForAll()
        }
    }
}
