import GatewayCore
import MCPCore
import UpstreamHTTP

/// Why one upstream request of a model call failed, before anything reached the client.
struct AttemptFailure: Error, Sendable {
    enum Kind: Sendable {
        /// The provider answered with an error status.
        case status(Int, body: [UInt8], retryAfter: Int?)
        /// No answer head, or no first event, in time.
        case timeout(String)
        /// The connection could not be opened, or broke before the answer began.
        case connect(String)
        /// The answer was not what the API promises (not JSON, a malformed chunk, too large).
        case invalidAnswer(String)
    }

    var kind: Kind
    var instance: String

    /// Whether the group's `fallback_on` sends the call to the next instance.
    func triggersFallback(_ triggers: Set<FallbackTrigger>) -> Bool {
        switch kind {
        case .status(let status, _, _): return triggers.contains(.status(status))
        case .timeout: return triggers.contains(.timeout)
        case .connect: return triggers.contains(.connect)
        case .invalidAnswer: return triggers.contains(.status(502))
        }
    }

    /// Whether it counts towards ejecting the instance (its fault, not the request's).
    var isInstanceFault: Bool {
        switch kind {
        case .status(let status, _, _): return status == 429 || status >= 500 || status == 401 || status == 402 || status == 403
        case .timeout, .connect, .invalidAnswer: return true
        }
    }

    /// What the client is told when this was the last attempt. A provider's refusal of the
    /// request (400, 404, 422...) is passed on with its status and error object; its refusal of
    /// the gateway's own key or account (401, 402, 403) and its rate limit become the gateway's
    /// words, since the provider's name the key or the organization.
    func gatewayError(attempts: Int) -> GatewayError {
        var error: GatewayError
        switch kind {
        case .status(let status, let body, let retryAfter):
            switch status {
            case 401, 402, 403:
                error = GatewayError(.upstream, "the provider of instance '\(instance)' refused the gateway's credentials or account (HTTP \(status))")
            case 429:
                error = GatewayError(.rateLimited, "the provider of instance '\(instance)' is rate limiting the gateway (HTTP 429)", retryAfter: retryAfter ?? 1)
            default:
                error = GatewayError(status >= 500 ? .upstream : .invalidRequest, "the provider of instance '\(instance)' answered HTTP \(status)")
                error.providerStatus = status
                error.providerError = Self.errorObject(body, status: status)
                error.retryAfter = retryAfter
            }
        case .timeout(let what):
            error = GatewayError(.timeout, "instance '\(instance)': \(what)")
        case .connect(let what):
            error = GatewayError(.upstream, "cannot reach instance '\(instance)': \(what)")
        case .invalidAnswer(let what):
            error = GatewayError(.upstream, "instance '\(instance)' sent an invalid answer: \(what)")
        }
        error.extraHeaders.append(("x-toolgate-attempts", String(attempts)))
        error.extraHeaders.append(("x-toolgate-instance", instance))
        return error
    }

    /// A provider's error body as an OpenAI error object: `{"error": {...}}` as it is, DashScope's
    /// flat `{"code", "message"}` and vLLM's old `{"object": "error", ...}` wrapped.
    static func errorObject(_ body: [UInt8], status: Int) -> JSONValue {
        let parsed = try? JSONParser().parse(body)
        if let inner = parsed?["error"], inner.objectValue != nil { return inner }
        if let message = parsed?["message"]?.stringValue {
            let code = parsed?["code"] ?? .null
            return ["message": .string(message), "type": parsed?["type"] ?? code, "param": parsed?["param"] ?? .null, "code": code]
        }
        let text = String(decoding: body.prefix(512), as: UTF8.self)
        return ["message": .string(text.isEmpty ? "HTTP \(status)" : text), "type": "upstream_error", "param": .null, "code": .null]
    }

    /// A pool error before the answer began, classified.
    static func from(_ error: HTTP1PoolError, instance: String) -> AttemptFailure {
        switch error.code {
        case .timedOut, .connectTimedOut: return AttemptFailure(kind: .timeout(error.message), instance: instance)
        case .invalidRequest: return AttemptFailure(kind: .invalidAnswer(error.message), instance: instance)
        case .invalidResponse where error.answerStarted: return AttemptFailure(kind: .invalidAnswer(error.message), instance: instance)
        default: return AttemptFailure(kind: .connect(error.message), instance: instance)
        }
    }
}
