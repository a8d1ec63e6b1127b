import ArgumentParser
import GatewayConfig
import GatewayRuntime

/// `toolgate serve --config FILE` (every configured server) or `toolgate serve --spec FILE`
/// (one document): MCP over streamable HTTP at `/mcp/<name>`, legacy SSE beside it.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve virtual MCP servers over streamable HTTP at /mcp/<name> (and legacy SSE at /mcp/<name>/sse)."
    )

    @Option(name: .long, help: "With --spec: the virtual server's name (its endpoint is /mcp/<name>); default: from the document's title.")
    var name: String?

    @Option(name: .long, help: "Address to bind (default: the file's 'listen', else 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on, 0 picks a free one (default: the file's 'listen', else 8080).")
    var port: Int?

    @Option(name: .long, help: "A browser origin allowed to call the endpoint, e.g. https://app.example.com (repeatable).")
    var allowOrigin: [String] = []

    @Option(name: .long, help: "A Host header value to accept besides loopback names (repeatable).")
    var allowHostHeader: [String] = []

    @Option(name: .long, help: "Largest accepted request body, in bytes (default: the file's http.max_body_bytes, else 4 MiB).")
    var maxBodyBytes: Int?

    @Option(name: .long, help: "Answer requests with SSE only when they ask for progress (auto), always (sse), or never (json).")
    var replies: String?

    @OptionGroup var serving: ServingOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port: expected 0 to 65535 (0 picks a free port), found \(port)") }
        if serving.config != nil, name != nil { throw ValidationError("--name applies to --spec only; with --config, the file names each server") }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        let configuration = try overridden(serving.configuration(name: name ?? ""))
        let gateway = try await Gateway.build(configuration, logger: logger)
        // A configuration file is read again on SIGHUP (the flags still apply on top of it); its
        // errors are `toolgate check`'s.
        var reload: (@Sendable () throws -> GatewayConfiguration)?
        if let file = serving.config { reload = { try self.overridden(ConfigurationLoader().load(path: file)) } }
        let scheme = configuration.tls == nil ? "http" : "https"
        try await gateway.serveHTTP(reload: reload) { host, bound in
            for server in gateway.servers {
                logger.notice("listening", metadata: ["url": "\(scheme)://\(host):\(bound)\(server.endpoint.path)", "source": "\(server.origin)"])
            }
        }
        logger.notice("stopped")
    }

    /// The file's (or the flags') configuration with the flags that override it applied.
    func overridden(_ loaded: GatewayConfiguration) throws -> GatewayConfiguration {
        var configuration = loaded
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let maxBodyBytes { configuration.http.maxBodyBytes = maxBodyBytes }
        if let replies {
            guard let mode = HTTPSettings.Replies(rawValue: replies) else { throw ValidationError("--replies: expected auto, sse or json") }
            configuration.http.replies = mode
        }
        configuration.http.allowedOrigins += allowOrigin
        configuration.http.allowedHosts += allowHostHeader
        return configuration
    }
}
