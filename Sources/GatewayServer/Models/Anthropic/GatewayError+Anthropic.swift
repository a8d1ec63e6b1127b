import GatewayCore
import MCPCore

extension GatewayError {
    /// Anthropic's error envelope: `{"type": "error", "error": {"type", "message"}}`, the type
    /// chosen from the HTTP status as Anthropic does (§4).
    public var anthropicBody: JSONValue {
        let message = providerError?["message"]?.stringValue ?? self.message
        return ["type": "error", "error": ["type": .string(anthropicType), "message": .string(message)]]
    }

    /// The status for an Anthropic client: an overloaded provider (503) becomes 529, which
    /// Claude Code retries.
    public var anthropicStatus: Int {
        httpStatus == 503 ? 529 : httpStatus
    }

    var anthropicType: String {
        switch httpStatus {
        case 400, 422: return "invalid_request_error"
        case 401: return "authentication_error"
        case 402: return "billing_error"
        case 403: return "permission_error"
        case 404: return "not_found_error"
        case 413: return "request_too_large"
        case 429: return "rate_limit_error"
        case 503, 529: return "overloaded_error"
        case 504: return "timeout_error"
        default: return "api_error"
        }
    }
}
