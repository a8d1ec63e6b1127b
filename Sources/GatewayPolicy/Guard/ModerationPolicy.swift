import GatewayCore
import MCPCore

/// Asks an external moderator about a call's text before the call (and, when configured, about
/// the answer: tool results and whole model answers) and refuses what it flags, in the caller's
/// own format. A moderator that cannot answer in time lets the call pass (`fail_open`) or refuses
/// it with 503 (`fail_closed`, the default); either way the verdict is recorded for the audit.
public struct ModerationPolicy: Policy {
    public let name = "moderation"
    let moderator: any Moderator
    let settings: ModerationSettings

    public init(moderator: any Moderator, settings: ModerationSettings) {
        self.moderator = moderator
        self.settings = settings
    }

    public func handle<Call: GatewayCall>(_ call: Call, context: CallContext, next: PolicyNext<Call>) async throws(GatewayError) -> Call.Output {
        guard Call.kind != .list else { return try await next(call, context) }
        let texts = call.inspectableText
        if settings.requests, !texts.isEmpty, let refusal = try await judge(texts, stage: "request", context: context) {
            return try ContentRefusal.refuse(call, message: "The request was refused by content moderation (\(refusal)).")
        }
        let output = try await next(call, context)
        if settings.responses, var answer = output as? ModelResponse, case .stream(let stream) = answer.body {
            answer.body = .stream(held(stream, context: context))
            return answer as? Call.Output ?? output
        }
        if settings.responses, let text = AnswerText.of(output), !text.isEmpty,
            let refusal = try await judge([text], stage: "response", context: context)
        {
            return try ContentRefusal.refuse(call, message: "The answer was withheld by content moderation (\(refusal)).")
        }
        return output
    }

    /// A streamed answer released a judged window at a time; a flagged window is replaced by a
    /// last chunk that says so, with `finish_reason: "content_filter"`, and the provider is cut off.
    func held(_ stream: ModelStream, context: CallContext) -> ModelStream {
        stream.held(characters: settings.streamWindow, count: { StreamedText.text(of: $0).count }) { window async throws(GatewayError) -> [ModelStreamEvent]? in
            let text = window.map(StreamedText.text(of:)).joined()
            guard !text.isEmpty, let refusal = try await judge([text], stage: "response", context: context) else { return nil }
            let first = window.lazy.compactMap { event -> JSONValue? in
                guard case .chunk(_, let json) = event else { return nil }
                return json
            }.first
            let chunk = GuardRefusal.filteredChunk(
                id: first?["id"]?.stringValue ?? "chatcmpl-moderation", created: first?["created"]?.intValue ?? 0, model: first?["model"]?.stringValue,
                content: "\n[The rest of the answer was withheld by content moderation (\(refusal)).]", role: false
            )
            return [.chunk(raw: chunk.serializedBytes(), json: chunk)]
        }
    }

    /// Why the texts are refused (the flagged categories), or nil when they may pass.
    func judge(_ texts: [String], stage: String, context: CallContext) async throws(GatewayError) -> String? {
        let request = ModerationRequest(stage: stage, kind: context.target.kind, target: context.target.description, consumer: context.identity.consumer)
        let verdict: ModerationVerdict
        do {
            verdict = try await moderator.moderate(texts, request: request)
        } catch {
            let outcome: PolicyVerdict.Outcome = settings.failOpen ? .observed : .denied
            context.verdictLog?.append(PolicyVerdict(policy: name, outcome: outcome, detail: "\(stage): moderator unavailable (\(error.message))"))
            if settings.failOpen { return nil }
            throw GatewayError(.unavailable, "content moderation is unavailable, so the call was refused (fail_closed): \(error.message)", retryAfter: 1)
        }
        let over = verdict.categories.filter { category, score in settings.thresholds[category].map { score >= $0 } ?? false }.keys.sorted()
        guard verdict.flagged || !over.isEmpty else {
            context.verdictLog?.append(PolicyVerdict(policy: name, outcome: .allowed, detail: stage))
            return nil
        }
        let reason = over.isEmpty ? (verdict.reason ?? "flagged") : over.joined(separator: ", ")
        context.verdictLog?.append(PolicyVerdict(policy: name, outcome: .denied, detail: "\(stage): \(reason)"))
        return reason
    }
}
