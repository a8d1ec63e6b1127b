import Foundation
import GatewayCore
import MCPCore
import YAMLReader

/// Reads a YAML configuration file into a `GatewayConfiguration`: `${VAR}` substituted from the
/// environment, every field checked (unknown fields are errors, so a typo never silently turns
/// a setting off), and every error naming the file, line and field.
public struct ConfigurationLoader: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Sections of the configuration format that this build does not provide yet: refused, not ignored.
    static let pendingSections: [String: String] = [:]

    public func load(path: String) throws(ConfigurationError) -> GatewayConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(.unreadable, "cannot read the file", file: path)
        }
        return try load(bytes: Array(data), file: path)
    }

    /// Parses configuration text; `file` names it in errors and anchors relative spec paths.
    public func load(bytes: [UInt8], file: String) throws(ConfigurationError) -> GatewayConfiguration {
        let parsed: (value: JSONValue, positions: YAMLPositions)
        do {
            parsed = try YAMLPositions.parse(bytes)
        } catch {
            throw ConfigurationError(.syntax, "invalid YAML: \(error.description)", file: file)
        }
        let root = ConfigNode(
            value: parsed.value, pointer: "", source: .init(file: file, positions: parsed.positions, environment: EnvironmentSubstitution(environment: environment))
        )
        if parsed.value.isNull { throw root.error(.missingField, "the file is empty; it needs at least 'servers'") }
        // Each section is checked even when another fails, so one run reports every problem.
        var problems = ProblemList()
        let fields = try root.object(
            allowed: ["listen", "http", "servers", "models", "consumers", "groups", "auth", "allowed_commands", "store", "policies", "metrics", "tracing", "tls"]
                + Self.pendingSections.keys.sorted(),
            problems: &problems
        )
        for (key, what) in Self.pendingSections.sorted(by: { $0.key < $1.key }) {
            if let node = fields[key] {
                problems.add(node.error(.unsupported, "\(what) ('\(key)') are not available in this build; remove the section rather than run without it"))
            }
        }
        let folder = (file as NSString).deletingLastPathComponent
        var configuration = GatewayConfiguration(file: file, servers: [])
        problems.attempt { () throws(ConfigurationError) in
            if let listen = fields["listen"] { (configuration.host, configuration.port) = try Self.address(listen) }
        }
        problems.attempt { () throws(ConfigurationError) in
            if let http = fields["http"] { configuration.http = try Self.http(http, folder: folder) }
        }
        problems.attempt { () throws(ConfigurationError) in
            if let commands = fields["allowed_commands"] { configuration.allowedCommands = try commands.strings() }
        }
        problems.attempt { () throws(ConfigurationError) in
            if let models = fields["models"] { configuration.models = try Self.models(models) }
        }
        problems.attempt { () throws(ConfigurationError) in
            configuration.identity = try Self.identity(consumers: fields["consumers"], groups: fields["groups"], auth: fields["auth"])
        }
        problems.attempt { () throws(ConfigurationError) in
            if let metrics = fields["metrics"] {
                let metricsFields = try metrics.object(allowed: ["enabled", "listen"])
                if let enabled = metricsFields["enabled"] { configuration.metricsEnabled = try enabled.bool() }
                if let listen = metricsFields["listen"] { configuration.metricsListen = try Self.address(listen) }
            }
        }
        problems.attempt { () throws(ConfigurationError) in
            if let tracing = fields["tracing"] { configuration.tracing = try Self.tracing(tracing) }
        }
        problems.attempt { () throws(ConfigurationError) in
            if let tls = fields["tls"] { configuration.tls = try Self.tls(tls, folder: folder) }
        }
        problems.attempt { () throws(ConfigurationError) in
            configuration.policies = try Self.policies(store: fields["store"], policies: fields["policies"], folder: folder)
        }
        if let servers = fields["servers"] {
            var names: Set<String> = []
            var nodes: [ConfigNode] = []
            problems.attempt { () throws(ConfigurationError) in nodes = try servers.array() }
            for node in nodes {
                problems.attempt { () throws(ConfigurationError) in
                    let server = try Self.server(node, folder: folder, allowedCommands: configuration.allowedCommands)
                    guard names.insert(server.name).inserted else {
                        throw node.error(.invalidValue, "the server name '\(server.name)' is used twice")
                    }
                    configuration.servers.append(server)
                }
            }
            if problems.problems.isEmpty, configuration.servers.isEmpty, configuration.models.isEmpty {
                problems.add(servers.error(.missingField, "list at least one virtual server"))
            }
        } else if configuration.models.isEmpty, fields["models"] == nil {
            problems.add(root.error(.missingField, "'servers' or 'models' is required: list at least one virtual server or model group"))
        }
        if let failure = ConfigurationError.combined(problems.problems) { throw failure }
        return configuration
    }

    /// `stdio: { command, args, env, cwd, mode, call_timeout }`; the command must be in `allowed_commands`.
    static func stdio(_ node: ConfigNode, folder: String, allowedCommands: [String]) throws(ConfigurationError) -> StdioSource {
        let fields = try node.object(allowed: ["command", "args", "env", "cwd", "mode", "call_timeout"])
        guard let commandNode = fields["command"] else { throw node.error(.missingField, "'command' is required (an executable; arguments go in 'args')") }
        let command = try commandNode.string()
        guard allowedCommands.contains(command) || allowedCommands.contains((command as NSString).lastPathComponent) && !command.contains("/") else {
            throw commandNode.error(.invalidValue, "'\(command)' is not in allowed_commands (\(allowedCommands.isEmpty ? "empty" : allowedCommands.joined(separator: ", ")))")
        }
        var source = StdioSource(command: command)
        source.arguments = try fields["args"]?.strings() ?? []
        if let env = fields["env"] {
            guard case .object(let members) = env.value else { throw env.error(.invalidValue, "expected a mapping of variable names to values") }
            for (key, value) in members { source.environment[key] = try env.child(key, value).string() }
        }
        if let cwd = fields["cwd"] {
            var folderPath = try cwd.string()
            if !folderPath.hasPrefix("/"), !folder.isEmpty { folderPath = (folder as NSString).appendingPathComponent(folderPath) }
            source.workingDirectory = folderPath
        }
        if let mode = fields["mode"] {
            switch try mode.string() {
            case "shared": source.perSession = false
            case "per-session": source.perSession = true
            case let other: throw mode.error(.invalidValue, "expected shared or per-session, found '\(other)'")
            }
        }
        if let timeout = fields["call_timeout"] { source.callTimeout = try timeout.seconds() }
        return source
    }

    /// The keys that name a tool source; a server (or a member of `sources`) has exactly one.
    static let sourceKinds = ["openapi", "stdio", "url"]

    /// A server's or a source's name: a URL path segment and a tool-name prefix.
    static func name(_ node: ConfigNode?, in parent: ConfigNode) throws(ConfigurationError) -> String {
        guard let node else { throw parent.error(.missingField, "'name' is required") }
        let name = try node.string()
        guard VirtualServerConfiguration.isValidName(name) else {
            throw node.error(.invalidValue, "'\(name)' is not a valid name: letters, digits, '-' and '_', starting with a letter or digit, at most 64")
        }
        return name
    }

    /// The one source among `fields`: `openapi`, `stdio` or `url`.
    static func source(
        _ fields: [String: ConfigNode], in node: ConfigNode, folder: String, allowedCommands: [String]
    ) throws(ConfigurationError) -> VirtualServerConfiguration.Source {
        let present = Self.sourceKinds.filter { fields[$0] != nil }
        guard present.count == 1, let kind = present.first, let value = fields[kind] else {
            if present.isEmpty {
                throw node.error(.missingField, "a source is required: 'openapi' (an OpenAPI document), 'stdio' (an MCP server's command), 'url' (a remote MCP server) or 'sources' (several)")
            }
            throw node.error(.invalidValue, "a server has one source, found \(present.map { "'\($0)'" }.joined(separator: " and ")); use 'sources' to combine several")
        }
        switch kind {
        case "openapi": return .openAPI(try OpenAPISourceReader.read(value, folder: folder))
        case "stdio": return .stdio(try Self.stdio(value, folder: folder, allowedCommands: allowedCommands))
        default: return .remote(try Self.remote(value))
        }
    }

    /// `url: https://host/mcp`, or `url: { endpoint, headers, bearer_token, transport, call_timeout }`.
    static func remote(_ node: ConfigNode) throws(ConfigurationError) -> RemoteSource {
        var fields: [String: ConfigNode] = [:]
        let endpointNode: ConfigNode
        if case .string = node.value {
            endpointNode = node
        } else {
            fields = try node.object(allowed: ["endpoint", "headers", "bearer_token", "transport", "call_timeout"])
            guard let endpoint = fields["endpoint"] else { throw node.error(.missingField, "'endpoint' is required (the server's MCP URL)") }
            endpointNode = endpoint
        }
        let text = try endpointNode.string()
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host?.isEmpty == false else {
            throw endpointNode.error(.invalidValue, "expected an http or https URL such as https://mcp.example.com/mcp")
        }
        var source = RemoteSource(url: url)
        if let headers = fields["headers"] {
            guard case .object(let members) = headers.value else { throw headers.error(.invalidValue, "expected a mapping of header names to values") }
            for (name, value) in members {
                let lowered = name.lowercased()
                guard !["mcp-session-id", "mcp-protocol-version", "content-type", "accept", "host", "content-length"].contains(lowered) else {
                    throw headers.child(name, value).error(.invalidValue, "'\(name)' is set by the gateway itself")
                }
                source.headers.append((name, try headers.child(name, value).string()))
            }
        }
        if let token = fields["bearer_token"] {
            guard !source.headers.contains(where: { $0.name.lowercased() == "authorization" }) else {
                throw token.error(.invalidValue, "give 'bearer_token' or an 'Authorization' header, not both")
            }
            source.headers.append(("Authorization", "Bearer \(try token.string())"))
        }
        if let transport = fields["transport"] {
            let raw = try transport.string()
            guard let value = RemoteMCPTransport(rawValue: raw) else {
                throw transport.error(.invalidValue, "expected auto, streamable-http or sse, found '\(raw)'")
            }
            source.transport = value
        }
        if let timeout = fields["call_timeout"] { source.callTimeout = try timeout.seconds() }
        return source
    }

    /// `host:port`, `[v6]:port` or a bare port (on 127.0.0.1).
    static func address(_ node: ConfigNode) throws(ConfigurationError) -> (String, Int) {
        if case .int = node.value { return ("127.0.0.1", try node.int(in: 0...65535)) }
        let text = try node.string()
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw node.error(.invalidValue, "expected host:port such as 127.0.0.1:8080, found '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw node.error(.invalidValue, "the host is missing in '\(text)'") }
        return (host, port)
    }

    static func http(_ node: ConfigNode, folder: String) throws(ConfigurationError) -> HTTPSettings {
        let fields = try node.object(
            allowed: [
                "allowed_origins", "allowed_hosts", "max_body_bytes", "max_sessions", "session_idle_timeout", "shutdown_timeout", "replies", "access_log",
                "header_timeout", "body_timeout", "keepalive_timeout", "max_connections",
            ]
        )
        var settings = HTTPSettings()
        if let value = fields["allowed_origins"] { settings.allowedOrigins = try value.strings() }
        if let value = fields["allowed_hosts"] { settings.allowedHosts = try value.strings() }
        if let value = fields["max_body_bytes"] { settings.maxBodyBytes = try value.int(in: 1024...(1 << 30)) }
        if let value = fields["max_sessions"] { settings.maxSessions = try value.int(in: 1...1_000_000) }
        if let value = fields["session_idle_timeout"] { settings.sessionIdleTimeout = try value.seconds() }
        if let value = fields["shutdown_timeout"] { settings.shutdownTimeout = try value.seconds() }
        if let value = fields["header_timeout"] { settings.headerTimeout = try value.seconds() }
        if let value = fields["body_timeout"] { settings.bodyTimeout = try value.seconds() }
        if let value = fields["keepalive_timeout"] { settings.keepAliveTimeout = try value.seconds() }
        if let value = fields["max_connections"] { settings.maxConnections = try value.int(in: 1...1_000_000) }
        if let value = fields["replies"] {
            let raw = try value.string()
            guard let replies = HTTPSettings.Replies(rawValue: raw) else { throw value.error(.invalidValue, "expected auto, sse or json, found '\(raw)'") }
            settings.replies = replies
        }
        if let value = fields["access_log"] {
            let target = try value.string()
            switch target {
            case "off", "": settings.accessLog = nil
            case "stderr": settings.accessLog = "stderr"
            default: settings.accessLog = target.hasPrefix("/") || folder.isEmpty ? target : (folder as NSString).appendingPathComponent(target)
            }
        }
        return settings
    }

    /// `tls: { certificate, key }`: PEM files (relative to the configuration's folder), checked to exist.
    static func tls(_ node: ConfigNode, folder: String) throws(ConfigurationError) -> (certificate: String, key: String) {
        let fields = try node.object(allowed: ["certificate", "key"])
        func file(_ name: String) throws(ConfigurationError) -> String {
            guard let value = fields[name] else { throw node.error(.missingField, "'\(name)' is required: the listener's \(name == "key" ? "private key" : "certificate chain") as a PEM file") }
            let path = try value.string()
            let resolved = path.hasPrefix("/") || folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
            guard FileManager.default.isReadableFile(atPath: resolved) else { throw value.error(.invalidValue, "no readable file at \(resolved)") }
            return resolved
        }
        return (try file("certificate"), try file("key"))
    }

    /// `tracing: { endpoint, protocol, service_name, sample_ratio, export_delay }`.
    static func tracing(_ node: ConfigNode) throws(ConfigurationError) -> TracingSettings {
        let fields = try node.object(allowed: ["endpoint", "protocol", "service_name", "sample_ratio", "export_delay"])
        var settings = TracingSettings()
        if let value = fields["endpoint"] {
            let endpoint = try value.string()
            guard let url = URL(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw value.error(.invalidValue, "expected the collector's http(s) traces URL, e.g. http://127.0.0.1:4318/v1/traces, found '\(endpoint)'")
            }
            settings.endpoint = endpoint
        }
        if let value = fields["protocol"] {
            let raw = try value.string()
            guard let wire = TracingSettings.WireProtocol(rawValue: raw) else {
                throw value.error(.invalidValue, "expected \(TracingSettings.WireProtocol.allCases.map(\.rawValue).joined(separator: " or ")), found '\(raw)'")
            }
            settings.wireProtocol = wire
        }
        if let value = fields["service_name"] { settings.serviceName = try value.string() }
        if let value = fields["sample_ratio"] {
            let ratio = try value.number()
            guard (0...1).contains(ratio) else { throw value.error(.invalidValue, "expected a share from 0 to 1, found \(ratio)") }
            settings.sampleRatio = ratio
        }
        if let value = fields["export_delay"] { settings.exportDelay = try value.duration() }
        return settings
    }

    static func server(_ node: ConfigNode, folder: String, allowedCommands: [String]) throws(ConfigurationError) -> VirtualServerConfiguration {
        let fields = try node.object(
            allowed: ["name", "instructions", "page_size", "discovery", "discovery_threshold"] + Self.sourceKinds + ["sources"]
        )
        let name = try Self.name(fields["name"], in: node)
        let source: VirtualServerConfiguration.Source
        if let sources = fields["sources"] {
            if let other = Self.sourceKinds.compactMap({ fields[$0] }).first {
                throw other.error(.invalidValue, "a server with 'sources' takes its tools from them only; move this into 'sources'")
            }
            var members: [VirtualServerConfiguration.NamedSource] = []
            for member in try sources.array() {
                let memberFields = try member.object(allowed: ["name"] + Self.sourceKinds)
                let memberName = try Self.name(memberFields["name"], in: member)
                guard !members.contains(where: { $0.name == memberName }) else {
                    throw member.error(.invalidValue, "the source name '\(memberName)' is used twice in this server")
                }
                let memberSource = try Self.source(memberFields, in: member, folder: folder, allowedCommands: allowedCommands)
                members.append(.init(name: memberName, source: memberSource))
            }
            guard !members.isEmpty else { throw sources.error(.missingField, "list at least one source") }
            source = .aggregate(members)
        } else {
            source = try Self.source(fields, in: node, folder: folder, allowedCommands: allowedCommands)
        }
        var server = VirtualServerConfiguration(name: name, source: source)
        server.fingerprint = node.value.serialized()
        if let value = fields["instructions"] { server.instructions = try value.string() }
        if let value = fields["page_size"] { server.pageSize = try value.int(in: 1...10_000) }
        if let value = fields["discovery_threshold"] { server.discoveryThreshold = try value.int(in: 0...100_000) }
        if let value = fields["discovery"] {
            let raw = try value.string()
            guard let mode = VirtualServerConfiguration.Discovery(rawValue: raw) else {
                throw value.error(.invalidValue, "expected auto, on or off, found '\(raw)'")
            }
            server.discovery = mode
        }
        return server
    }
}
