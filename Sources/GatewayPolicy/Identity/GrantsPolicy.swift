import GatewayCore
import MCPCore

/// The second policy: what the caller may use. A call to something not granted is refused
/// (403 / a JSON-RPC error, or an `isError` result when so configured) and lists are filtered, so
/// what a caller may not use is absent from its `tools/list`, `resources/list`, `prompts/list`
/// and `/v1/models`.
public struct GrantsPolicy: Policy {
    public let name = "grants"
    let directory: ConsumerDirectory

    public init(_ directory: ConsumerDirectory) {
        self.directory = directory
    }

    public func handle<Call: GatewayCall>(_ call: Call, context: CallContext, next: PolicyNext<Call>) async throws(GatewayError) -> Call.Output {
        let grants = directory.grants(of: context.identity)
        guard !grants.isEmpty else { return try await next(call, context) }
        let target = context.target
        guard grants.allSatisfy({ $0.allows(target) }) else {
            let error = GatewayError(.denied, "\(context.identity.consumer) may not use \(Self.describe(target))")
            context.verdictLog?.append(PolicyVerdict(policy: name, outcome: .denied, detail: "not granted"))
            if Call.self == ToolCall.self, directory.settings.auth.toolRejections == .result, let result = error.toolResult as? Call.Output {
                return result
            }
            throw error
        }
        let output = try await next(call, context)
        guard Call.Output.self == ListResult.self, let list = output as? ListResult,
            let filtered = filter(list, server: target.scope, grants: grants) as? Call.Output
        else { return output }
        return filtered
    }

    /// A list without what the grants leave out.
    func filter(_ list: ListResult, server: String, grants: [Grants]) -> ListResult {
        func allowed(_ kind: CallKind, _ name: String) -> Bool {
            grants.allSatisfy { $0.allows(kind, server: server, name: name) }
        }
        switch list {
        case .tools(let tools):
            return .tools(tools.filter { allowed(.toolCall, $0.name) })
        case .forwarded(let result):
            guard var object = result.objectValue else { return list }
            if let resources = object["resources"]?.arrayValue {
                object["resources"] = .array(resources.filter { allowed(.resourceRead, $0["uri"]?.stringValue ?? "") })
            }
            if let prompts = object["prompts"]?.arrayValue {
                object["prompts"] = .array(prompts.filter { allowed(.promptGet, $0["name"]?.stringValue ?? "") })
            }
            if object["object"] == "list", let models = object["data"]?.arrayValue {
                // `/v1/models`: entries carry the group in `toolgate_group` (aliases name it too).
                object["data"] = .array(models.filter { model in
                    let group = model["toolgate_group"]?.stringValue ?? model["id"]?.stringValue ?? ""
                    return grants.allSatisfy { $0.allowsModel(group) }
                })
            }
            return .forwarded(.object(object))
        }
    }

    static func describe(_ target: CallTarget) -> String {
        switch target.kind {
        case .chat, .embeddings: return "the model '\(target.name)'"
        case .toolCall: return "the tool '\(target.name)' of server '\(target.scope)'"
        case .resourceRead: return "the resource '\(target.name)' of server '\(target.scope)'"
        case .promptGet: return "the prompt '\(target.name)' of server '\(target.scope)'"
        case .list: return "the server '\(target.scope)'"
        }
    }
}
