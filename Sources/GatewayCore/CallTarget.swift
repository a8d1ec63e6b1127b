/// What a call is addressed to: its kind, where it goes (a virtual server or a model group) and
/// what it names there (a tool, a resource URI, a prompt, a list method, a model).
public struct CallTarget: Sendable, Hashable, CustomStringConvertible {
    public var kind: CallKind
    /// The virtual server (MCP calls) or the model group (model calls).
    public var scope: String
    /// The tool, resource URI, prompt, list method, or the model the client asked for.
    public var name: String

    public init(kind: CallKind, scope: String, name: String) {
        self.kind = kind
        self.scope = scope
        self.name = name
    }

    /// `server/name` or `model:group`, for logs (never a secret).
    public var description: String {
        kind.isModelCall ? "model:\(scope)" : (name.isEmpty ? scope : "\(scope)/\(name)")
    }
}

/// The kinds of call the gateway carries. "requests" quotas count the ones that do work
/// upstream (`countsAsRequest`), not handshakes, pings or list requests.
public enum CallKind: String, Sendable, Hashable, CaseIterable {
    case toolCall = "tool_call"
    case resourceRead = "resource_read"
    case promptGet = "prompt_get"
    /// `tools/list`, `resources/list`, `resources/templates/list`, `prompts/list`.
    case list
    case chat
    case embeddings

    /// Model traffic (chat, embeddings) rather than MCP.
    public var isModelCall: Bool { self == .chat || self == .embeddings }

    /// Whether a request quota counts it.
    public var countsAsRequest: Bool { self != .list }
}
