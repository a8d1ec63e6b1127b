/// What a consumer or group may use. A nil list allows everything of that kind; patterns are
/// globs (`*` any run of characters, `?` one), tools, resources and prompts as `<server>/<name>`.
public struct Grants: Sendable, Hashable {
    public var servers: [String]?
    public var tools: [String]?
    public var resources: [String]?
    public var prompts: [String]?
    public var models: [String]?

    public init(servers: [String]? = nil, tools: [String]? = nil, resources: [String]? = nil, prompts: [String]? = nil, models: [String]? = nil) {
        self.servers = servers
        self.tools = tools
        self.resources = resources
        self.prompts = prompts
        self.models = models
    }

    /// Whether these grants allow `target` (a list request needs only its server).
    public func allows(_ target: CallTarget) -> Bool {
        if target.kind.isModelCall { return Self.matches(models, target.scope) }
        if target.kind == .list, target.scope.isEmpty { return true }
        guard Self.matches(servers, target.scope) else { return false }
        switch target.kind {
        case .toolCall: return Self.matches(tools, target.scope + "/" + target.name)
        case .resourceRead: return Self.matches(resources, target.scope + "/" + target.name)
        case .promptGet: return Self.matches(prompts, target.scope + "/" + target.name)
        default: return true
        }
    }

    /// Whether `name` (a tool, resource or prompt of `server`) is allowed, for filtering lists.
    public func allows(_ kind: CallKind, server: String, name: String) -> Bool {
        allows(CallTarget(kind: kind, scope: server, name: name))
    }

    /// Whether the model group (by its group name) is allowed.
    public func allowsModel(_ group: String) -> Bool {
        Self.matches(models, group)
    }

    static func matches(_ patterns: [String]?, _ value: String) -> Bool {
        guard let patterns else { return true }
        return patterns.contains { Glob.matches($0, value) }
    }
}
