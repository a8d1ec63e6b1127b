import Foundation
import GatewayCore

/// One virtual MCP server: a name (its path `/mcp/<name>`), how its tools are listed, and
/// where they come from.
public struct VirtualServerConfiguration: Sendable {
    /// How a large tool list is shown: as-is, or behind search/describe/call meta-tools.
    public typealias Discovery = DiscoveryMode

    /// Where a server is mounted on the HTTP listener: streamable HTTP at `path`, legacy SSE at
    /// `legacyPath/sse` and `legacyPath/messages` (empty: at the root).
    public struct Endpoint: Sendable, Hashable {
        public var path: String
        public var legacyPath: String

        public init(path: String, legacyPath: String) {
            self.path = path
            self.legacyPath = legacyPath
        }
    }

    public var name: String
    public var instructions: String?
    public var pageSize: Int
    public var discovery: Discovery
    public var discoveryThreshold: Int
    public var source: Source
    /// Where it is served; nil: `/mcp/<name>` (legacy SSE beneath it).
    public var endpoint: Endpoint?
    /// The title the server gives clients; nil: `Toolgate: <name>`.
    public var title: String?
    /// The server's section of the configuration file as written (empty when built in code): a
    /// reload keeps a running stdio or remote server whose section did not change.
    public var fingerprint = ""

    /// Where a server's tools come from.
    public indirect enum Source: Sendable {
        case openAPI(OpenAPISource)
        case stdio(StdioSource)
        case remote(RemoteSource)
        /// Several named sources; their tools are exposed as `source__tool`.
        case aggregate([NamedSource])
    }

    /// One source of an aggregate server; `name` prefixes its tools.
    public struct NamedSource: Sendable {
        public var name: String
        public var source: Source

        public init(name: String, source: Source) {
            self.name = name
            self.source = source
        }
    }

    /// The OpenAPI source, when the server has one.
    public var openAPI: OpenAPISource? {
        if case .openAPI(let source) = source { return source }
        return nil
    }

    public init(
        name: String, instructions: String? = nil, pageSize: Int = 200, discovery: Discovery = .auto, discoveryThreshold: Int = 40,
        source: Source
    ) {
        self.name = name
        self.instructions = instructions
        self.pageSize = pageSize
        self.discovery = discovery
        self.discoveryThreshold = discoveryThreshold
        self.source = source
    }

    /// Valid server names: they are URL path segments and tool-name prefixes.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first.isNumber, name.count <= 64 else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}

/// An OpenAPI document as a tool source: the document, how to import it, and how to call the API.
public struct OpenAPISource: Sendable {
    /// A file path (relative paths are resolved against the configuration file's folder) or an http(s) URL.
    public var spec: String
    public var remoteReferences: Bool
    public var importOptions: ImportOptions
    public var credentials: UpstreamCredentials
    public var allowedHosts: [String]
    public var privateHosts: [String]
    /// Upstream request timeout, in seconds.
    public var timeout: Double
    public var maxResponseBytes: Int

    public init(
        spec: String, remoteReferences: Bool = false, importOptions: ImportOptions = ImportOptions(), credentials: UpstreamCredentials = UpstreamCredentials(),
        allowedHosts: [String] = [], privateHosts: [String] = [], timeout: Double = 30, maxResponseBytes: Int = 2 << 20
    ) {
        self.spec = spec
        self.remoteReferences = remoteReferences
        self.importOptions = importOptions
        self.credentials = credentials
        self.allowedHosts = allowedHosts
        self.privateHosts = privateHosts
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }
}

/// A stdio MCP server as a tool source: started once and shared by every session.
public struct StdioSource: Sendable {
    public var command: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String?
    /// Seconds a call may take before it is cancelled.
    public var callTimeout: Double
    /// One child shared by every session, or one child per session (ended with it).
    public var perSession: Bool

    public init(command: String, arguments: [String] = [], environment: [String: String] = [:], workingDirectory: String? = nil, callTimeout: Double = 60, perSession: Bool = false) {
        self.perSession = perSession
        self.command = command
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.callTimeout = callTimeout
    }
}

/// A remote MCP server as a tool source: its URL, the gateway's own credentials for it (a
/// client's token is never passed on), and the transport to use.
public struct RemoteSource: Sendable {
    public var url: URL
    public var headers: [(name: String, value: String)]
    public var transport: RemoteMCPTransport
    /// Seconds a call may take before it is cancelled.
    public var callTimeout: Double

    public init(url: URL, headers: [(name: String, value: String)] = [], transport: RemoteMCPTransport = .auto, callTimeout: Double = 60) {
        self.url = url
        self.headers = headers
        self.transport = transport
        self.callTimeout = callTimeout
    }
}
