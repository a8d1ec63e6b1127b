import GatewayCore
import MCPCore

extension GatewayError {
    /// Anthropic's error envelope: `{"type": "error", "error": {"type", "message"}}`, the type
    /// chosen from the HTTP status as Anthropic does (§4).
    /// An Anthropic provider's own error type (`overloaded_error` mid-stream) is kept, since
    /// clients such as Claude Code decide on it whether to retry.
    package var anthropicBody: JSONValue {
        let message = providerError?["message"]?.stringValue ?? self.message
        let type = providerError?["type"]?.stringValue.flatMap { Self.anthropicTypes.contains($0) ? $0 : nil } ?? anthropicType
        return ["type": "error", "error": ["type": .string(type), "message": .string(message)]]
    }

    /// The error types of Anthropic's API (anthropic-messages.md §4).
    static let anthropicTypes: Set<String> = [
        "invalid_request_error", "authentication_error", "billing_error", "permission_error", "not_found_error", "request_too_large",
        "rate_limit_error", "api_error", "timeout_error", "overloaded_error",
    ]

    /// The status for an Anthropic client: an overloaded provider (503) becomes 529, which
    /// Claude Code retries.
    package var anthropicStatus: Int {
        httpStatus == 503 ? 529 : httpStatus
    }

    package var anthropicType: String {
        switch httpStatus {
        case 400, 405, 421, 422: return "invalid_request_error"
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
