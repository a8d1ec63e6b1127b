import Foundation
import GatewayCore
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

    /// The lower-case media type of a `Content-Type` value, without parameters: `application/json`
    /// for `Application/JSON; charset=utf-8` (`""` when absent).
    static func mediaType(_ contentType: String?) -> String {
        guard let contentType else { return "" }
        let essence = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = essence.firstIndex(where: { !isSpace($0) }), let last = essence.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(decoding: essence[first...last], as: UTF8.self).lowercased()
    }

    static func map(_ answer: UpstreamAnswer) -> MCPToolResult {
        let mediaType = Self.mediaType(answer.contentType)
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
        let isJSON = mediaType.isEmpty || mediaType.containsBytes("json")
        if isJSON, !answer.truncated, let value = try? JSONParser().parse(answer.body) {
            let structured: JSONValue? = value.objectValue != nil ? value : nil
            return MCPToolResult(content: [.text(String(decoding: answer.body, as: UTF8.self))], structuredContent: structured)
        }
        if isJSON || mediaType.hasPrefix("text/") || mediaType.containsBytes("xml") || mediaType.containsBytes("yaml"),
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
