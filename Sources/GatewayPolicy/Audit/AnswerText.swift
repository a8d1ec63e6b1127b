import GatewayCore
import MCPCore

/// The text of an answer, for the policies that read answers (audit payloads, moderation).
enum AnswerText {
    /// A tool result's text blocks.
    static func of(_ result: MCPToolResult) -> String {
        result.content.compactMap { content -> String? in
            guard case .text(let text) = content else { return nil }
            return text
        }.joined(separator: "\n")
    }

    /// A chat completion's message texts (reasoning, content, tool calls), or the JSON as it is.
    static func ofCompletion(_ json: JSONValue) -> String {
        guard let choices = json["choices"]?.arrayValue else { return json.serialized() }
        return choices.compactMap { choice -> String? in
            guard let message = choice["message"] else { return nil }
            var parts: [String] = []
            if let reasoning = message["reasoning_content"]?.stringValue { parts.append(reasoning) }
            if let content = message["content"]?.stringValue { parts.append(content) }
            if let calls = message["tool_calls"] { parts.append(calls.serialized()) }
            return parts.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// The text of a call's answer, when it has one to read now (a stream's comes later).
    static func of<Output>(_ output: Output) -> String? {
        if let result = output as? MCPToolResult { return of(result) }
        if let answer = output as? ModelResponse, case .complete(_, let json, _) = answer.body { return ofCompletion(json) }
        if let value = output as? JSONValue { return value.serialized() }
        return nil
    }
}
