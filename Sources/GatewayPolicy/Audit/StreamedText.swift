import GatewayCore
import MCPCore
import Synchronization

/// The text of a streamed answer as its chunks pass (reasoning, content, tool-call arguments),
/// kept up to a limit, for the audit record written at the stream's end.
final class StreamedText: Sendable {
    private let text = Mutex("")
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func take(_ event: ModelStreamEvent) {
        let added = Self.text(of: event)
        guard !added.isEmpty else { return }
        text.withLock { text in
            guard text.utf8.count <= limit else { return }
            text += added
        }
    }

    var value: String { text.withLock { $0 } }

    /// A chunk's text: reasoning, content, tool calls' names and arguments.
    static func text(of event: ModelStreamEvent) -> String {
        guard case .chunk(_, let json) = event, let choices = json["choices"]?.arrayValue, !choices.isEmpty else { return "" }
        var added = ""
        for choice in choices {
            guard let delta = choice["delta"] else { continue }
            if let reasoning = delta["reasoning_content"]?.stringValue { added += reasoning }
            if let content = delta["content"]?.stringValue { added += content }
            for call in delta["tool_calls"]?.arrayValue ?? [] {
                if let name = call["function"]?["name"]?.stringValue { added += "\n[tool call \(name)] " }
                if let arguments = call["function"]?["arguments"]?.stringValue { added += arguments }
            }
        }
        return added
    }
}
