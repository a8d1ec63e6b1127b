import MCPCore

/// A call on its way through the policy chain: what every kind (tool call, resource read,
/// prompt get, list request, and model calls) has in common, so that a policy written once
/// against `GatewayCall` applies to all of them.
public protocol GatewayCall: Sendable {
    /// What the provider answers.
    associatedtype Output: Sendable
    /// The kind, for the context's target and for policies that treat kinds differently.
    static var kind: CallKind { get }
    /// The text a payload policy (guard, redaction, moderation) reads: arguments, messages.
    var inspectableText: [String] { get }
}

extension GatewayCall {
    public var inspectableText: [String] { [] }
}

extension ToolCall: GatewayCall {
    public typealias Output = MCPToolResult
    public static var kind: CallKind { .toolCall }
    public var inspectableText: [String] { [JSONValue.object(arguments).serialized()] }
}

/// `resources/read`: one resource by URI.
public struct ResourceRead: GatewayCall {
    public typealias Output = JSONValue
    public static var kind: CallKind { .resourceRead }
    public var uri: String
    /// The request's params as the client sent them (passed on unchanged).
    public var params: JSONObject

    public init(uri: String, params: JSONObject) {
        self.uri = uri
        self.params = params
    }
}

/// `prompts/get`: one prompt by name, with its arguments.
public struct PromptGet: GatewayCall {
    public typealias Output = JSONValue
    public static var kind: CallKind { .promptGet }
    public var name: String
    public var params: JSONObject

    public init(name: String, params: JSONObject) {
        self.name = name
        self.params = params
    }

    public var inspectableText: [String] { params["arguments"].map { [$0.serialized()] } ?? [] }
}

/// A list request: `tools/list` (answered with the tools) or a resources/prompts list method
/// (answered with the upstream's result object).
public struct ListRequest: GatewayCall {
    public typealias Output = ListResult
    public static var kind: CallKind { .list }
    /// `tools/list`, `resources/list`, `resources/templates/list` or `prompts/list`.
    public var method: String
    public var params: JSONObject

    public init(method: String, params: JSONObject) {
        self.method = method
        self.params = params
    }

    /// A list request without params (`tools/list` as the engine pages it itself).
    public init(method: String) {
        self.init(method: method, params: JSONValue.object([:]).objectValue!)
    }
}

/// What a list request answers: the tools, or a forwarded list's result object. A grants policy
/// filters either before the client sees it.
public enum ListResult: Sendable {
    case tools([MCPTool])
    case forwarded(JSONValue)
}
