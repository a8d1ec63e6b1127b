import GatewayCore
import MCPCore
import Tracing

/// Outermost when tracing is configured: one span per call, a child of the caller's W3C
/// `traceparent` when it sent one, and the context that upstream requests carry on
/// (`CallContext.traceHeaders`). MCP calls follow the MCP server-span conventions (`tools/call {tool}`,
/// `mcp.method.name`, `gen_ai.tool.name`, `gen_ai.operation.name = execute_tool`); model calls the
/// GenAI ones (`chat {group}`, `gen_ai.request.model`, `gen_ai.usage.*`, the time to the first
/// chunk). A stream's span ends when the stream does, with what it used. Payloads are never
/// recorded.
public struct TracingPolicy: Policy {
    public let name = "tracing"

    public init() {}

    public func handle<Call: GatewayCall>(_ call: Call, context: CallContext, next: PolicyNext<Call>) async throws(GatewayError) -> Call.Output {
        var context = context
        let log = context.sharedVerdictLog()
        var parent = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(context.callerHeaders, into: &parent, using: CallerHeadersExtractor())
        let target = context.target
        let model = call as? any ModelCarrying
        let span = InstrumentationSystem.tracer.startSpan(Self.spanName(target, kind: Call.kind), context: parent, ofKind: model == nil ? .server : .client)
        Self.describe(span, target: target, kind: Call.kind, context: context, model: model)
        InstrumentationSystem.instrument.inject(span.context, into: &context.traceHeaders, using: TraceHeadersInjector())
        let output: Call.Output
        do {
            output = try await next(call, context)
        } catch {
            span.attributes["error.type"] = error.code.rawValue
            span.setStatus(SpanStatus(code: .error, message: error.message))
            Self.recordDenials(log, on: span)
            span.end()
            throw error
        }
        Self.recordDenials(log, on: span)
        if let result = output as? MCPToolResult, result.isError {
            span.attributes["error.type"] = "tool_error"
            span.setStatus(SpanStatus(code: .error))
        }
        guard var answer = output as? ModelResponse else {
            span.end()
            return output
        }
        span.attributes["toolgate.instance"] = answer.instance
        span.attributes["toolgate.attempts"] = answer.attempts
        switch answer.body {
        case .complete(_, _, let usage):
            Self.record(usage, on: span)
            span.end()
            return output
        case .stream(let stream):
            let ledger = stream.ledger
            answer.body = .stream(stream.whenConsumed {
                ledger.onClose { ended in
                    Self.record(ended.usage, on: span)
                    if let ttft = ended.timeToFirstToken { span.attributes["gen_ai.response.time_to_first_chunk"] = ttft.fractionalMilliseconds / 1000 }
                    if let reason = ended.finishReason { span.attributes["gen_ai.response.finish_reasons"] = [reason] }
                    if ended.end != .completed {
                        span.attributes["error.type"] = ended.end.rawValue
                        span.setStatus(SpanStatus(code: .error))
                    }
                    span.end()
                }
            })
            return answer as? Call.Output ?? output
        }
    }

    /// `{mcp.method.name} {target}` for MCP calls, `{operation} {group}` for model calls.
    static func spanName(_ target: CallTarget, kind: CallKind) -> String {
        switch kind {
        case .toolCall: return "tools/call \(target.name)"
        case .promptGet: return "prompts/get \(target.name)"
        case .resourceRead: return "resources/read"
        case .list: return target.name
        case .chat: return "chat \(target.scope)"
        case .embeddings: return "embeddings \(target.scope)"
        }
    }

    static func describe(_ span: any Span, target: CallTarget, kind: CallKind, context: CallContext, model: (any ModelCarrying)?) {
        if context.identity.isAuthenticated { span.attributes["toolgate.consumer"] = context.identity.consumer }
        if let model {
            span.attributes["gen_ai.operation.name"] = kind == .embeddings ? "embeddings" : "chat"
            span.attributes["gen_ai.request.model"] = target.scope
            if model.request.stream { span.attributes["gen_ai.request.stream"] = true }
            if let bound = (model.request.body["max_completion_tokens"] ?? model.request.body["max_tokens"])?.intValue {
                span.attributes["gen_ai.request.max_tokens"] = Int(bound)
            }
            return
        }
        span.attributes["toolgate.server"] = target.scope
        if let version = context.protocolVersion { span.attributes["mcp.protocol.version"] = version.rawValue }
        switch kind {
        case .toolCall:
            span.attributes["mcp.method.name"] = "tools/call"
            span.attributes["gen_ai.tool.name"] = target.name
            span.attributes["gen_ai.operation.name"] = "execute_tool"
        case .promptGet:
            span.attributes["mcp.method.name"] = "prompts/get"
            span.attributes["gen_ai.prompt.name"] = target.name
        case .resourceRead:
            span.attributes["mcp.method.name"] = "resources/read"
            span.attributes["mcp.resource.uri"] = target.name
        case .list, .chat, .embeddings:
            span.attributes["mcp.method.name"] = target.name
        }
    }

    static func record(_ usage: TokenUsage?, on span: any Span) {
        guard let usage else { return }
        span.attributes["gen_ai.usage.input_tokens"] = usage.promptTokens
        span.attributes["gen_ai.usage.output_tokens"] = usage.completionTokens
        if usage.cachedPromptTokens > 0 { span.attributes["gen_ai.usage.cache_read.input_tokens"] = usage.cachedPromptTokens }
        if usage.reasoningTokens > 0 { span.attributes["gen_ai.usage.reasoning.output_tokens"] = usage.reasoningTokens }
        if usage.estimated { span.attributes["toolgate.usage.estimated"] = true }
    }

    /// The policies that refused the call, as span events.
    static func recordDenials(_ log: VerdictLog, on span: any Span) {
        for verdict in log.verdicts where verdict.outcome == .denied {
            span.addEvent(SpanEvent(name: "toolgate.denied", attributes: ["toolgate.policy": .string(verdict.policy)]))
        }
    }
}

/// Writes the span's `traceparent` and `tracestate` into the call context's trace headers.
struct TraceHeadersInjector: Injector {
    func inject(_ value: String, forKey key: String, into headers: inout [(name: String, value: String)]) {
        headers.removeAll { $0.name == key }
        headers.append((key, value))
    }
}

/// Reads `traceparent` and `tracestate` from the caller's headers (names compared as the engine compares them).
struct CallerHeadersExtractor: Extractor {
    func extract(key: String, from carrier: [(name: String, value: String)]) -> String? {
        MCPReceiveContext(headers: carrier).value(of: key)
    }
}
