import GatewayCore
import Logging
import UpstreamHTTP

/// The model provider port over every configured group: resolves a client's `model` (name or
/// alias), orders the group's instances (strategy, priority, health, the instances' own quotas)
/// and tries them in turn until one answers, within `max_retries` and the retry budget, never
/// once a byte has reached the client.
public struct ModelRouter: ModelProvider {
    let groupsByName: [String: ModelGroup]
    let ordered: [ModelGroup]
    let pool: HTTP1ConnectionPool
    let logger: Logger

    public init(_ settings: [ModelGroupSettings], pool: HTTP1ConnectionPool, logger: Logger) {
        let groups = settings.map(ModelGroup.init)
        var byName: [String: ModelGroup] = [:]
        for group in groups {
            byName[group.settings.name] = group
            for alias in group.settings.aliases { byName[alias] = group }
        }
        self.groupsByName = byName
        self.ordered = groups
        self.pool = pool
        self.logger = logger
    }

    public var groups: [ModelGroupInfo] { ordered.map(\.info) }

    public func group(named model: String) -> ModelGroupInfo? {
        groupsByName[model]?.info
    }

    /// What the router observes now, for metrics: each group's calls waiting for an answer to
    /// begin, and each instance's health and calls in flight.
    public var observed: [(group: String, waiting: Int, instances: [(name: String, healthy: Bool, inFlight: Int)])] {
        let now = ContinuousClock.now
        return ordered.map { group in
            (group.settings.name, group.waiting.load(ordering: .relaxed), group.instances.map { ($0.name, $0.isHealthy(now: now), $0.inFlight) })
        }
    }

    /// The active health prober of every group that configures probes (a `Service`).
    public var prober: ModelHealthProber {
        ModelHealthProber(groups: ordered, pool: pool, logger: logger)
    }

    public func send(_ request: ModelRequest, group info: ModelGroupInfo, context: CallContext) async throws(GatewayError) -> ModelResponse {
        guard let group = groupsByName[info.name] else {
            throw GatewayError(.modelNotFound, "the model '\(request.model)' does not exist on this gateway", param: "model")
        }
        let order: [ModelInstance]
        do {
            order = try group.attemptOrder(for: request)
        } catch {
            switch error {
            case .refused(let param, let message): throw GatewayError(.invalidRequest, message, param: param)
            case .quotaUsed(let retryAfter):
                throw GatewayError(.rateLimited, "every instance of model '\(info.name)' has used its quota for this minute", retryAfter: retryAfter)
            }
        }
        let settings = group.settings
        group.waiting.add(1, ordering: .relaxed)
        defer { group.waiting.subtract(1, ordering: .relaxed) }
        let maxAttempts = 1 + settings.maxRetries
        var attempts = 0
        var upstreamWait = Duration.zero
        var lastFailure: AttemptFailure?
        while attempts < maxAttempts {
            if attempts > 0, let budget = settings.retryBudget, context.receivedAt.duration(to: .now) >= budget { break }
            let instance = order[min(attempts, order.count - 1)]
            attempts += 1
            let started = ContinuousClock.now
            instance.begin()
            let answer: ModelAttempt.Answer
            do {
                answer = try await ModelAttempt(instance: instance, group: settings, request: request, pool: pool, traceHeaders: context.traceHeaders).run()
            } catch {
                upstreamWait += started.duration(to: .now)
                instance.end(success: false, countsAsFailure: error.isInstanceFault, timeToFirstToken: nil, tokens: 0)
                logger.debug("model attempt failed", metadata: ["model": "\(info.name)", "instance": "\(instance.name)", "failure": "\(error.kind)"])
                lastFailure = error
                guard error.triggersFallback(settings.fallbackOn), !Task.isCancelled else { throw error.gatewayError(attempts: attempts) }
                continue
            }
            let waited = started.duration(to: .now)
            upstreamWait += waited
            switch answer {
            case .complete(let body, let json, let usage):
                instance.end(success: true, countsAsFailure: false, timeToFirstToken: waited, tokens: usage?.totalTokens ?? 0)
                return ModelResponse(instance: instance.name, attempts: attempts, upstreamWait: upstreamWait, body: .complete(body, json: json, usage: usage), price: instance.settings.price)
            case .stream(let relay):
                let logger = self.logger
                relay.ledger.onClose { outcome in
                    if outcome.end != .completed {
                        logger.info("model stream ended early", metadata: [
                            "model": "\(info.name)", "instance": "\(instance.name)", "end": "\(outcome.end.rawValue)",
                            "prompt_tokens": "\(outcome.usage.promptTokens)", "completion_tokens": "\(outcome.usage.completionTokens)",
                            "estimated": "\(outcome.usage.estimated)",
                        ])
                    }
                    instance.end(
                        success: outcome.end != .upstreamFailed, countsAsFailure: outcome.end == .upstreamFailed,
                        timeToFirstToken: outcome.timeToFirstToken, tokens: outcome.usage.totalTokens
                    )
                }
                let stream = ModelStream(ledger: relay.ledger, onDisconnect: settings.stream.onDisconnect, source: relay)
                return ModelResponse(instance: instance.name, attempts: attempts, upstreamWait: upstreamWait, body: .stream(stream), price: instance.settings.price)
            }
        }
        guard let lastFailure else { throw GatewayError(.unavailable, "no instance of model '\(info.name)' could be tried") }
        throw lastFailure.gatewayError(attempts: attempts)
    }
}
