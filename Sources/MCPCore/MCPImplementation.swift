/// Name and version of an MCP client or server (`clientInfo` / `serverInfo`).
public struct MCPImplementation: Sendable, Hashable {
    public var name: String
    public var version: String
    public var title: String?

    public init(name: String, version: String, title: String? = nil) {
        self.name = name
        self.version = version
        self.title = title
    }

    public var jsonValue: JSONValue {
        var object: JSONObject = ["name": .string(name), "version": .string(version)]
        if let title { object["title"] = .string(title) }
        return .object(object)
    }

    /// Reads `clientInfo`; tolerant of missing fields (some clients omit `version`).
    public init?(_ value: JSONValue?) {
        guard let name = value?["name"]?.stringValue else { return nil }
        self.init(name: name, version: value?["version"]?.stringValue ?? "", title: value?["title"]?.stringValue)
    }
}
