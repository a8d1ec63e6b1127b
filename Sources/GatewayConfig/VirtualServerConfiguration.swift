import OpenAPIImport
import RESTUpstream

/// One virtual MCP server: a name (its path `/mcp/<name>`), how its tools are listed, and
/// where they come from.
public struct VirtualServerConfiguration: Sendable {
    /// How a large tool list is shown: as-is, or behind search/describe/call meta-tools.
    public enum Discovery: String, Sendable, CaseIterable {
        case auto, on, off
    }

    public var name: String
    public var instructions: String?
    public var pageSize: Int
    public var discovery: Discovery
    public var discoveryThreshold: Int
    public var openAPI: OpenAPISource

    public init(
        name: String, instructions: String? = nil, pageSize: Int = 200, discovery: Discovery = .auto, discoveryThreshold: Int = 40,
        openAPI: OpenAPISource
    ) {
        self.name = name
        self.instructions = instructions
        self.pageSize = pageSize
        self.discovery = discovery
        self.discoveryThreshold = discoveryThreshold
        self.openAPI = openAPI
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
