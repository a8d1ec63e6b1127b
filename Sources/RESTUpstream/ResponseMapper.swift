import Foundation
import MCPCore

/// What came back from the upstream, before mapping.
struct UpstreamAnswer {
    var status: Int
    var reason: String
    var contentType: String?
    var body: [UInt8]
    var truncated: Bool
    var limit: Int
    var url: String
}

/// Maps an HTTP answer to the best MCP result: JSON → text (+ `structuredContent` for objects),
/// images and audio → their content types, other binary → an embedded resource, non-2xx → `isError`.
enum ResponseMapper {
    /// Error bodies are trimmed to this many characters.
    static let errorBodyLimit = 2000

    static func map(_ answer: UpstreamAnswer) -> MCPToolResult {
        let mediaType = (answer.contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let marker = answer.truncated ? "\n[truncated: the upstream answer exceeded \(answer.limit) bytes]" : ""
        guard (200..<300).contains(answer.status) else {
            var text = String(decoding: answer.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if text.count > errorBodyLimit { text = String(text.prefix(errorBodyLimit)) + "…" }
            let hint = answer.status == 401 || answer.status == 403 ? " (the upstream credential is missing or not accepted)" : ""
            return .error("HTTP \(answer.status) \(answer.reason)\(hint)" + (text.isEmpty ? "" : ": \(text)"))
        }
        if answer.body.isEmpty {
            return MCPToolResult(content: [.text("HTTP \(answer.status) \(answer.reason): success, no content")])
        }
        if mediaType.hasPrefix("image/") {
            return MCPToolResult(content: [.image(base64: Data(answer.body).base64EncodedString(), mimeType: mediaType)])
        }
        if mediaType.hasPrefix("audio/") {
            return MCPToolResult(content: [.audio(base64: Data(answer.body).base64EncodedString(), mimeType: mediaType)])
        }
        let isJSON = mediaType.isEmpty || mediaType.contains("json")
        if isJSON, !answer.truncated, let value = try? JSONParser().parse(answer.body) {
            let structured: JSONValue? = value.objectValue != nil ? value : nil
            return MCPToolResult(content: [.text(String(decoding: answer.body, as: UTF8.self))], structuredContent: structured)
        }
        if isJSON || mediaType.hasPrefix("text/") || mediaType.contains("xml") || mediaType.contains("yaml"),
            let text = String(validating: answer.body, as: UTF8.self) ?? (answer.truncated ? String(decoding: answer.body, as: UTF8.self) : nil)
        {
            return MCPToolResult(content: [.text(text + marker)])
        }
        var content: [MCPContent] = [
            .resourceBlob(uri: answer.url, mimeType: mediaType.isEmpty ? "application/octet-stream" : mediaType, base64: Data(answer.body).base64EncodedString())
        ]
        if answer.truncated { content.append(.text(marker.trimmingCharacters(in: .newlines))) }
        return MCPToolResult(content: content)
    }
}
