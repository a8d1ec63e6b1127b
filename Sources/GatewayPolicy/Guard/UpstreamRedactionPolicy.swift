import GatewayCore
import MCPCore

/// Keeps personal data and secrets from the upstreams it is configured for: a tool call's
/// arguments and a chat call's messages go out with numbered placeholders (`[EMAIL_1]`, the same
/// one for the same value within the call), and with `restore` the answer's placeholders are put
/// back before the client sees it (tool results, whole answers, and streamed chunks, where a
/// placeholder split across two chunks stays as it is).
public struct UpstreamRedactionPolicy: Policy {
    public let name = "redact_upstream"
    let redactor: Redactor
    /// The servers and model groups it applies to (nil: all).
    let servers: Set<String>?
    let models: Set<String>?
    let restore: Bool

    public init(redactor: Redactor, servers: [String]?, models: [String]?, restore: Bool) {
        self.redactor = redactor
        self.servers = servers.map(Set.init)
        self.models = models.map(Set.init)
        self.restore = restore
    }

    public func handle<Call: GatewayCall>(_ call: Call, context: CallContext, next: PolicyNext<Call>) async throws(GatewayError) -> Call.Output {
        let target = context.target
        let applies = target.kind.isModelCall ? models.map { $0.contains(target.scope) } ?? true : servers.map { $0.contains(target.scope) } ?? true
        guard applies else { return try await next(call, context) }
        let table = PlaceholderTable()
        if let tool = call as? ToolCall {
            var sent = tool
            sent.arguments = JSONValue.object(tool.arguments).mappingStrings { redactor.pseudonymize($0, table: table) }.objectValue ?? tool.arguments
            guard !table.isEmpty, let forwarded = sent as? Call else { return try await next(call, context) }
            context.verdictLog?.append(PolicyVerdict(policy: name, outcome: .modified, detail: "arguments"))
            let result = try await next(forwarded, context)
            guard restore, let answer = result as? MCPToolResult else { return result }
            return MCPToolResult(json: answer.jsonValue(for: .latest).mappingStrings { table.restore($0) }) as? Call.Output ?? result
        }
        if let chat = call as? ChatCall, let messages = chat.request.body["messages"] {
            var body = chat.request.body
            body["messages"] = messages.mappingStrings { redactor.pseudonymize($0, table: table) }
            guard !table.isEmpty,
                let forwarded = ChatCall(request: ModelRequest(operation: chat.request.operation, model: chat.request.model, body: body), group: chat.group) as? Call
            else { return try await next(call, context) }
            context.verdictLog?.append(PolicyVerdict(policy: name, outcome: .modified, detail: "messages"))
            let output = try await next(forwarded, context)
            guard restore, var answer = output as? ModelResponse else { return output }
            switch answer.body {
            case .complete(_, let json, let usage):
                // The provider's bytes go on as they came unless a placeholder was put back.
                let restored = json.mappingStrings { table.restore($0) }
                if restored != json { answer.body = .complete(restored.serializedBytes(), json: restored, usage: usage) }
            case .stream(let stream):
                answer.body = .stream(stream.mapped { event in
                    guard case .chunk(let raw, let json) = event else { return event }
                    let restored = json.mappingStrings { table.restore($0) }
                    return restored == json ? .chunk(raw: raw, json: json) : .chunk(raw: restored.serializedBytes(), json: restored)
                })
            }
            return answer as? Call.Output ?? output
        }
        return try await next(call, context)
    }
}
