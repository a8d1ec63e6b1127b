/// How streamable HTTP answers requests: SSE only when the request asked for progress (`auto`),
/// always SSE (`sse`), or always JSON, progress dropped (`json`).
public enum ReplyMode: String, Sendable, CaseIterable {
    case auto, sse, json
}
