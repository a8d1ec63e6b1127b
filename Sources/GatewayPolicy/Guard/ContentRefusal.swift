import GatewayCore
import MCPCore

/// How a content policy (the guard, moderation) refuses in the caller's own format: a tool call
/// gets an `isError` result, a chat completion a `content_filter` answer (whole or streamed), any
/// other kind a `content_filtered` error.
enum ContentRefusal {
    static func refuse<Call: GatewayCall>(_ call: Call, message: String) throws(GatewayError) -> Call.Output {
        if Call.self == ToolCall.self, let result = MCPToolResult.error(message) as? Call.Output { return result }
        if let model = call as? any ModelCarrying, model.request.operation == .chatCompletions,
            let answer = GuardRefusal.response(to: model.request, message: message) as? Call.Output
        {
            return answer
        }
        throw GatewayError(.contentFiltered, message)
    }
}
