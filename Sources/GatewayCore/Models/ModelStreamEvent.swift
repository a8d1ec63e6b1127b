import MCPCore

/// One event of a model's streamed answer, in the OpenAI chunk format the gateway uses inside.
public enum ModelStreamEvent: Sendable {
    /// A `chat.completion.chunk`: `raw` is the JSON as it goes to an OpenAI-format client (the
    /// provider's bytes unless the gateway had to change them), `json` the same parsed.
    case chunk(raw: [UInt8], json: JSONValue)
    /// A provider's keep-alive comment, passed on so the client's idle timers do not fire.
    case keepAlive
}
