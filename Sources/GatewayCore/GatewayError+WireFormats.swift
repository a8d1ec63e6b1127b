import MCPCore

extension GatewayError {
    /// The one conversion point to JSON-RPC errors: an upstream MCP server's own error as it
    /// is; a malformed or unknown-target call is
    /// `-32602`, a refusal (`denied`, `unauthenticated`, `rate_limited`, `content_filtered`) is `-32600` with the
    /// reason (and `retryAfter`) in `data`, everything else `-32603`.
    public var jsonRPCError: JSONRPCError {
        if let upstreamError { return upstreamError }
        switch code {
        case .unknownTool, .invalidRequest, .notFound, .modelNotFound, .methodNotAllowed, .payloadTooLarge: return .invalidParams(message)
        case .denied, .rateLimited, .unauthenticated, .contentFiltered, .misdirected:
            var data: JSONObject = ["reason": .string(code.rawValue)]
            if let retryAfter { data["retryAfter"] = .int(Int64(retryAfter)) }
            return JSONRPCError(code: .invalidRequest, message: message, data: .object(data))
        default: return .internalError(message)
        }
    }

    /// A tool call's failure as the model should see it: an `isError` result naming the reason,
    /// so an agent can read and react instead of the client raising a protocol error.
    public var toolResult: MCPToolResult {
        var text = message
        if let retryAfter { text += " (retry after \(retryAfter) s)" }
        return .error(text)
    }

    /// The HTTP status this error is answered with.
    public var httpStatus: Int {
        if let providerStatus { return providerStatus }
        switch code {
        case .invalidRequest, .contentFiltered: return 400
        case .unauthenticated: return 401
        case .denied: return 403
        case .unknownTool, .notFound, .modelNotFound: return 404
        case .methodNotAllowed: return 405
        case .misdirected: return 421
        case .payloadTooLarge: return 413
        case .rateLimited: return 429
        case .upstream: return 502
        case .unavailable: return 503
        case .timeout: return 504
        default: return 500
        }
    }

    /// The JSON body of an HTTP error answer: OpenAI's error object `{"error": {"message",
    /// "type", "param", "code"}}` (`type` is the code; `retry_after` where it applies), or a
    /// model provider's own error object passed on.
    public var httpBody: JSONValue {
        if let providerError { return ["error": providerError] }
        var error: JSONObject = [
            "message": .string(message), "type": .string(code.rawValue), "param": param.map(JSONValue.string) ?? .null, "code": .string(code.rawValue),
        ]
        if let retryAfter { error["retry_after"] = .int(Int64(retryAfter)) }
        return ["error": .object(error)]
    }

    /// Headers that go with the HTTP answer: `Retry-After` where it applies.
    public var httpHeaders: [(name: String, value: String)] {
        (retryAfter.map { [("Retry-After", String($0))] } ?? []) + extraHeaders
    }
}
