import GatewayCore
import MCPCore

/// The third policy: how much. Every limit of the caller (its own and its groups') that applies
/// to the call is acquired from the store before the call runs: one request, one concurrency slot,
/// and for a model call its token reservation (the prompt estimate plus `max_tokens`, or the
/// default when it sets none). After the call the reservation is settled to the real usage and
/// the rest released; a stream that goes past its reservation takes more as it runs, and is cut,
/// with a last event saying why, when the budget has none left. A refused call gets 429 with
/// `Retry-After` and the `RateLimit` fields (model calls) or a JSON-RPC error carrying the same
/// facts (tool calls; an `isError` result when so configured).
public struct LimitsPolicy: Policy {
    public let name = "limits"
    let directory: ConsumerDirectory
    /// The counters (a reload keeps them, so quotas carry over).
    public let store: any RateLimitStore
    /// The completion tokens reserved for a model call that sets no `max_tokens`.
    let defaultCompletionReservation: Int
    /// Where a stream's settlement goes when its ledger closes (run it as a service).
    public let settlements: SettlementQueue

    public init(
        _ directory: ConsumerDirectory, store: any RateLimitStore, settlements: SettlementQueue = SettlementQueue(), defaultCompletionReservation: Int = 1024
    ) {
        self.directory = directory
        self.store = store
        self.settlements = settlements
        self.defaultCompletionReservation = defaultCompletionReservation
    }

    /// One limit acquired for a call.
    struct Held: Sendable {
        var key: String
        var limit: LimitSettings
        var decision: RateLimitDecision
        var reserved: Double
    }

    public func handle<Call: GatewayCall>(_ call: Call, context: CallContext, next: PolicyNext<Call>) async throws(GatewayError) -> Call.Output {
        let limits = directory.limits(of: context.identity)
        guard limits.contains(where: { $0.limit.applies(to: context.target) }) else { return try await next(call, context) }
        let model = context.target.kind.isModelCall ? (call as? any ModelCarrying)?.request : nil
        var held: [Held] = []
        held.reserveCapacity(limits.count)
        for (key, limit) in limits where limit.applies(to: context.target) {
            let cost = reservation(limit, model: model, kind: context.target.kind)
            let decision = await store.acquire(key, cost: cost, amount: limit.amount, window: limit.window)
            guard decision.allowed else {
                await release(held)
                let error = refusal(limit, decision, identity: context.identity)
                // Counted by the metrics' denials and recorded by the audit, like any refusal.
                context.verdictLog?.append(PolicyVerdict(policy: name, outcome: .denied, detail: error.message))
                if Call.self == ToolCall.self, directory.settings.auth.toolRejections == .result, let result = error.toolResult as? Call.Output {
                    return result
                }
                throw error
            }
            held.append(Held(key: key, limit: limit, decision: decision, reserved: cost))
        }
        var context = context
        context.record(PolicyVerdict(policy: name, outcome: .allowed))
        let output: Call.Output
        do {
            output = try await next(call, context)
        } catch {
            await release(held)
            throw error
        }
        guard Call.Output.self == ModelResponse.self, var response = output as? ModelResponse else {
            if held.contains(where: { $0.limit.measure != .requests }) { await settle(held, usage: nil, price: nil) }
            return output
        }
        response.headers += headers(held)
        switch response.body {
        case .complete(_, _, let usage):
            await settle(held, usage: usage ?? TokenUsage(promptTokens: model?.estimatedPromptTokens ?? 0, completionTokens: 0, estimated: true), price: response.price)
        case .stream(let stream):
            let store = self.store
            let tracker = StreamBudget(held: held, store: store)
            let price = response.price
            let settlements = self.settlements
            stream.ledger.onClose { outcome in
                settlements.enqueue { await LimitsPolicy.settle(tracker.current, usage: outcome.usage, price: price, store: store) }
            }
            response.body = .stream(stream.checked { ledger in await tracker.check(ledger) })
        }
        return response as? Call.Output ?? output
    }

    /// What a call reserves against `limit`.
    func reservation(_ limit: LimitSettings, model: ModelRequest?, kind: CallKind) -> Double {
        switch limit.measure {
        case .requests, .concurrent: return 1
        case .cost: return model == nil ? directory.settings.auth.toolCallPrice : 0
        case .promptTokens: return Double(model?.estimatedPromptTokens ?? 0)
        case .completionTokens: return Double(model?.maxOutputTokens ?? defaultCompletionReservation)
        case .tokens: return Double((model?.estimatedPromptTokens ?? 0) + (model?.maxOutputTokens ?? defaultCompletionReservation))
        }
    }

    /// Gives back what a call that did not run took.
    func release(_ held: [Held]) async {
        for item in held where item.limit.measure != .requests {
            await store.adjust(item.key, by: -item.reserved, window: item.limit.window, windowStart: item.decision.windowStart)
        }
    }

    func settle(_ held: [Held], usage: TokenUsage?, price: ModelPrice?) async {
        await Self.settle(held, usage: usage, price: price, store: store)
    }

    /// Settles each reservation to what was used: concurrency slots back, tokens and cost to the
    /// real figures (more or less than reserved).
    static func settle(_ held: [Held], usage: TokenUsage?, price: ModelPrice?, store: any RateLimitStore) async {
        for item in held {
            let used: Double
            switch item.limit.measure {
            case .requests: continue
            case .concurrent: used = 0
            case .tokens: used = Double(usage?.totalTokens ?? 0)
            case .promptTokens: used = Double(usage?.promptTokens ?? 0)
            case .completionTokens: used = Double(usage?.completionTokens ?? 0)
            case .cost: used = usage.map { usage in price?.cost(of: usage) ?? 0 } ?? item.reserved
            }
            await store.adjust(item.key, by: used - item.reserved, window: item.limit.window, windowStart: item.decision.windowStart)
        }
    }

    /// The refusal: which limit, when it resets, in the caller's wire format.
    func refusal(_ limit: LimitSettings, _ decision: RateLimitDecision, identity: Identity) -> GatewayError {
        let retryAfter = max(1, decision.resetIn.map(RateLimitHeaders.seconds) ?? 1)
        let what = limit.measure == .concurrent
            ? "\(Int(limit.amount)) concurrent calls"
            : "\(Self.amount(limit.amount)) \(limit.measure.rawValue.replacingOccurrences(of: "_", with: " ")) per \(limit.window.map(Self.describe) ?? "window")"
        var error = GatewayError(
            .rateLimited, "\(identity.consumer) has used its limit of \(what); it resets in \(retryAfter) s", retryAfter: retryAfter
        )
        error.extraHeaders = RateLimitHeaders.fields(limit, decision)
        return error
    }

    func headers(_ held: [Held]) -> [(name: String, value: String)] {
        guard let tightest = held.filter({ $0.limit.measure != .concurrent }).min(by: { $0.decision.remaining / $0.limit.amount < $1.decision.remaining / $1.limit.amount }) else {
            return []
        }
        return RateLimitHeaders.fields(tightest.limit, tightest.decision)
    }

    static func amount(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    static func describe(_ window: Duration) -> String {
        let seconds = window.components.seconds
        switch seconds {
        case 86_400: return "day"
        case 3600: return "hour"
        case 60: return "minute"
        case 1: return "second"
        default: return seconds % 3600 == 0 ? "\(seconds / 3600) h" : seconds % 60 == 0 ? "\(seconds / 60) min" : "\(seconds) s"
        }
    }
}
