import Foundation
import GatewayCore
import MCPCore

/// The outermost policy: one `AuditRecord` per call of every kind but lists (tool call, resource
/// read, prompt get, model call), answered or refused, with every inner policy's verdict.
///
/// The record is written before the answer leaves: `AuditSink.write` returns once it survives a
/// crash, so an answered call always has its record (a sink that cannot write fails the call,
/// closed); with `durability: batch` the answer leaves once the record is queued instead. A
/// streamed model answer is recorded when its stream ends, with the usage and how it ended; that
/// record is submitted as the stream closes (the client already has the answer), as durable as
/// the setting asks.
public struct AuditPolicy: Policy {
    public let name = "audit"
    let sink: any AuditSink
    let payloads: Bool
    /// Whether the answer waits for its record's commit.
    let durableBeforeAnswer: Bool
    let redactor: Redactor?
    /// Payload texts longer than this are cut (with a marker) before they are stored.
    let maxPayloadCharacters: Int

    public init(sink: any AuditSink, payloads: Bool, durableBeforeAnswer: Bool = true, redactor: Redactor?, maxPayloadCharacters: Int = 16_384) {
        self.sink = sink
        self.payloads = payloads
        self.durableBeforeAnswer = durableBeforeAnswer
        self.redactor = redactor
        self.maxPayloadCharacters = maxPayloadCharacters
    }

    public func handle<Call: GatewayCall>(_ call: Call, context: CallContext, next: PolicyNext<Call>) async throws(GatewayError) -> Call.Output {
        guard Call.kind != .list else { return try await next(call, context) }
        var context = context
        let log = context.sharedVerdictLog()
        let output: Call.Output
        do {
            output = try await next(call, context)
        } catch {
            var record = base(call, context: context, status: error.code.rawValue, verdicts: log.verdicts)
            record.message = error.message
            try await sink.write(record, untilDurable: durableBeforeAnswer)
            throw error
        }
        let verdicts = log.verdicts
        var record = base(call, context: context, status: AnsweredStatus.of(verdicts), verdicts: verdicts)
        if let result = output as? MCPToolResult {
            record.toolError = result.isError
            if payloads { record.response = payload(AnswerText.of(result)) }
        } else if let answer = output as? ModelResponse {
            record.instance = answer.instance
            record.attempts = answer.attempts
            switch answer.body {
            case .complete(_, let json, let usage):
                record.usage = usage
                if payloads { record.response = payload(AnswerText.ofCompletion(json)) }
            case .stream(let stream):
                // Recorded at the stream's end, when its usage (and its whole text) is known: once
                // the reader is done with it (the ledger may close while read-ahead chunks are
                // still on their way) and the ledger has closed.
                let sink = self.sink
                let durable = durableBeforeAnswer
                let received = context.receivedAt
                let started = record
                let text = payloads ? StreamedText(limit: maxPayloadCharacters) : nil
                let ledger = stream.ledger
                var watched = text.map { text in stream.observed { text.take($0) } } ?? stream
                watched = watched.whenConsumed {
                    ledger.onClose { outcome in
                        var finished = started
                        finished.latencyMilliseconds = received.duration(to: .now).fractionalMilliseconds
                        finished.usage = outcome.usage
                        finished.timeToFirstTokenMilliseconds = outcome.timeToFirstToken?.fractionalMilliseconds
                        // What the reader saw: a policy that cut the stream (moderation) says so in
                        // the verdicts, even when the provider had already finished.
                        finished.verdicts = log.verdicts
                        finished.status = AnsweredStatus.of(finished.verdicts)
                        if finished.status == "ok", outcome.end != .completed { finished.status = outcome.end.rawValue }
                        if let text { finished.response = payload(text.value) }
                        sink.submit(finished, untilDurable: durable)
                    }
                }
                guard var answer = output as? ModelResponse else { return output }
                answer.body = .stream(watched)
                return answer as? Call.Output ?? output
            }
        } else if payloads, let value = output as? JSONValue {
            record.response = payload(value.serialized())
        }
        try await sink.write(record, untilDurable: durableBeforeAnswer)
        return output
    }

    func base<Call: GatewayCall>(_ call: Call, context: CallContext, status: String, verdicts: [PolicyVerdict]) -> AuditRecord {
        var record = AuditRecord(
            time: context.receivedAtDate, consumer: context.identity.consumer, kind: Call.kind, target: Self.target(context.target),
            status: status, transport: context.transport, requestID: context.requestID.map { $0.jsonValue.serialized() },
            clientAddress: context.clientAddress, latencyMilliseconds: context.receivedAt.duration(to: .now).fractionalMilliseconds, verdicts: verdicts
        )
        if payloads {
            let texts = call.inspectableText
            if !texts.isEmpty { record.request = payload(texts.joined(separator: "\n")) }
        }
        return record
    }

    /// `<server>/<tool>` for MCP calls, the model group for model calls.
    static func target(_ target: CallTarget) -> String {
        target.kind.isModelCall ? target.scope : (target.name.isEmpty ? target.scope : "\(target.scope)/\(target.name)")
    }

    /// Redacted and cut to the configured length.
    func payload(_ text: String) -> String {
        let redacted = redactor?.redact(text) ?? text
        // No more bytes than the limit means no more characters either, without counting them
        // (counting grapheme clusters walks the whole text).
        guard redacted.utf8.count > maxPayloadCharacters, redacted.count > maxPayloadCharacters else { return redacted }
        return String(redacted.prefix(maxPayloadCharacters)) + "…[cut]"
    }
}
