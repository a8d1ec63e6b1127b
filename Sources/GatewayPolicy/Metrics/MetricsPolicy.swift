import GatewayCore
import MCPCore

/// The outermost policy: counts every call but list requests by kind, target and outcome, times
/// it, counts what the other policies refused, and for model calls records tokens, duration and
/// time to the first chunk (a stream's when it ends).
public struct MetricsPolicy: Policy {
    public let name = "metrics"
    let metrics: GatewayMetrics

    public init(_ metrics: GatewayMetrics) {
        self.metrics = metrics
    }

    public func handle<Call: GatewayCall>(_ call: Call, context: CallContext, next: PolicyNext<Call>) async throws(GatewayError) -> Call.Output {
        guard Call.kind != .list else { return try await next(call, context) }
        var context = context
        let log = context.sharedVerdictLog()
        let target = context.target
        let timer = target.kind.isModelCall ? nil : UpstreamTimer()
        context.upstreamTimer = timer
        let gauge = metrics.inFlight(Call.kind)
        gauge.increment()
        defer { gauge.decrement() }
        let output: Call.Output
        do {
            output = try await next(call, context)
        } catch {
            finish(target, outcome: error.code.rawValue, verdicts: log.verdicts, started: context.receivedAt)
            if let timer { metrics.split(kind: target.kind, scope: target.scope, upstream: timer.elapsed, whole: context.receivedAt.duration(to: .now)) }
            if let attempts = error.extraHeaders.first(where: { $0.name == "x-toolgate-attempts" }).flatMap({ Int($0.value) }) {
                metrics.retries(group: target.scope, count: attempts - 1)
            }
            if target.kind.isModelCall {
                metrics.modelCall(
                    operation: Self.operation(target.kind), group: target.scope, instance: "", usage: nil, duration: context.receivedAt.duration(to: .now),
                    timeToFirstChunk: nil, errorType: error.code.rawValue
                )
            }
            throw error
        }
        let answered = AnsweredStatus.of(log.verdicts)
        let isToolError = (output as? MCPToolResult)?.isError == true
        let outcome = answered == "ok" && isToolError ? "tool_error" : answered
        guard let answer = output as? ModelResponse else {
            finish(target, outcome: outcome, verdicts: log.verdicts, started: context.receivedAt)
            if let timer { metrics.split(kind: target.kind, scope: target.scope, upstream: timer.elapsed, whole: context.receivedAt.duration(to: .now)) }
            return output
        }
        let operation = Self.operation(target.kind)
        metrics.retries(group: target.scope, count: answer.attempts - 1)
        switch answer.body {
        case .complete(_, _, let usage):
            finish(target, outcome: outcome, verdicts: log.verdicts, started: context.receivedAt)
            metrics.split(kind: target.kind, scope: target.scope, upstream: answer.upstreamWait, whole: context.receivedAt.duration(to: .now))
            metrics.modelCall(
                operation: operation, group: target.scope, instance: answer.instance, usage: usage, duration: context.receivedAt.duration(to: .now),
                timeToFirstChunk: nil, errorType: nil
            )
        case .stream(let stream):
            // Counted once the reader is done and the ledger closed: what the reader saw, a
            // stream a policy cut included (the ledger can close first, on read-ahead).
            let received = context.receivedAt
            let metrics = self.metrics
            let ledger = stream.ledger
            var watched = answer
            metrics.openStreams.increment()
            watched.body = .stream(stream.whenConsumed {
                ledger.onClose { ended in
                    metrics.openStreams.decrement()
                    let verdicts = log.verdicts
                    var streamOutcome = AnsweredStatus.of(verdicts)
                    if streamOutcome == "ok", ended.end != .completed { streamOutcome = ended.end.rawValue }
                    metrics.call(kind: target.kind, scope: target.scope, name: "", outcome: streamOutcome, duration: received.duration(to: .now))
                    for verdict in verdicts where verdict.outcome == .denied { metrics.denied(by: verdict.policy) }
                    metrics.modelCall(
                        operation: operation, group: target.scope, instance: answer.instance, usage: ended.usage, duration: received.duration(to: .now),
                        timeToFirstChunk: ended.timeToFirstToken, errorType: ended.end == .completed ? nil : ended.end.rawValue
                    )
                }
            })
            return watched as? Call.Output ?? output
        }
        return output
    }

    func finish(_ target: CallTarget, outcome: String, verdicts: [PolicyVerdict], started: ContinuousClock.Instant) {
        // Model calls are counted per group, not per model name the client typed (unbounded).
        let name = target.kind.isModelCall || target.kind == .resourceRead ? "" : target.name
        metrics.call(kind: target.kind, scope: target.scope, name: name, outcome: outcome, duration: started.duration(to: .now))
        for verdict in verdicts where verdict.outcome == .denied { metrics.denied(by: verdict.policy) }
    }

    static func operation(_ kind: CallKind) -> String {
        kind == .embeddings ? "embeddings" : "chat"
    }
}
