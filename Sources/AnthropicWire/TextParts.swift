import GatewayCore
import MCPCore

/// The text of a list of text blocks (Anthropic) or text parts (OpenAI): what both directions do
/// with a system prompt, a tool result or a message given as a list. Anything that is not text
/// is refused, naming the item.
enum TextParts {
    /// The texts joined by newlines; `item` names the n-th item in the caller's notation.
    static func joined(_ parts: [JSONValue], item: (Int) -> String, what: String) throws(GatewayError) -> String {
        var texts: [String] = []
        for (index, part) in parts.enumerated() {
            guard part["type"]?.stringValue == "text", let text = part["text"]?.stringValue else {
                throw GatewayError(.invalidRequest, "\(item(index)): only text \(what) can be translated here", param: item(index))
            }
            texts.append(text)
        }
        return texts.joined(separator: "\n")
    }
}
