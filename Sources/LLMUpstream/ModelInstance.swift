import Foundation
import GatewayCore
import Synchronization
import UpstreamHTTP

/// One instance of a group at run time: its settings, its dialect, the parsed endpoint, and what
/// the gateway has observed of it (calls in flight, failures, ejection, probe results, time to
/// first token, its own quotas' use). Shared by every call; each access takes its lock.
final class ModelInstance: Sendable {
    let settings: ModelInstanceSettings
    let dialect: ProviderDialect
    /// `base_url` without a trailing slash.
    let baseURL: String
    /// Where chat completions and embeddings go, split once (origin, request target).
    let chatTarget: (origin: HTTP1Origin, requestTarget: String)?
    let embeddingsTarget: (origin: HTTP1Origin, requestTarget: String)?
    private let health: ModelHealthSettings
    private let state = Mutex(State())

    struct State {
        var inFlight = 0
        var consecutiveFailures = 0
        var ejectedUntil: ContinuousClock.Instant?
        /// Set by active probes: down after `unhealthyThreshold` failures, up after `healthyThreshold` successes.
        var probedDown = false
        var probeFailures = 0
        var probeSuccesses = 0
        /// Exponentially weighted time to first token, in seconds.
        var ttftAverage: Double?
        var window = QuotaWindow()
    }

    /// Requests and tokens used in the current minute.
    struct QuotaWindow {
        var start: ContinuousClock.Instant = .now
        var requests = 0
        var tokens = 0

        mutating func roll(now: ContinuousClock.Instant) {
            if start.duration(to: now) >= .seconds(60) {
                start = now
                requests = 0
                tokens = 0
            }
        }
    }

    init(_ settings: ModelInstanceSettings, health: ModelHealthSettings) {
        self.settings = settings
        self.dialect = .of(settings.provider)
        self.health = health
        var base = settings.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.chatTarget = URLComponents(string: base + dialect.path(for: .chatCompletions, baseURL: base)).flatMap(HTTP1Origin.split)
        self.embeddingsTarget = URLComponents(string: base + dialect.path(for: .embeddings, baseURL: base)).flatMap(HTTP1Origin.split)
    }

    var name: String { settings.name }

    /// Healthy: not ejected by passive health and not down by active probes.
    func isHealthy(now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            if state.probedDown { return false }
            if let until = state.ejectedUntil, now < until { return false }
            return true
        }
    }

    /// Whether the instance's own quota has room for one more request (and, when known, seconds
    /// until it has).
    func quotaRoom(now: ContinuousClock.Instant = .now) -> (open: Bool, retryAfter: Int) {
        state.withLock { state in
            state.window.roll(now: now)
            let full = (settings.requestsPerMinute.map { state.window.requests >= $0 } ?? false)
                || (settings.tokensPerMinute.map { state.window.tokens >= $0 } ?? false)
            let left = 60 - Int(state.window.start.duration(to: now).components.seconds)
            return (!full, max(1, left))
        }
    }

    var inFlight: Int { state.withLock { $0.inFlight } }
    var ttftAverage: Double? { state.withLock { $0.ttftAverage } }

    /// A call starts on this instance.
    func begin() {
        state.withLock { state in
            state.inFlight += 1
            state.window.roll(now: .now)
            state.window.requests += 1
        }
    }

    /// A call on this instance ended: a success clears its failures and feeds the average time to
    /// first token; a failure that is the instance's fault counts towards ejection.
    func end(success: Bool, countsAsFailure: Bool, timeToFirstToken: Duration?, tokens: Int) {
        state.withLock { state in
            state.inFlight -= 1
            state.window.roll(now: .now)
            state.window.tokens += tokens
            if success {
                state.consecutiveFailures = 0
                state.ejectedUntil = nil
                if let timeToFirstToken {
                    let seconds = Double(timeToFirstToken.components.seconds) + Double(timeToFirstToken.components.attoseconds) / 1e18
                    state.ttftAverage = state.ttftAverage.map { 0.8 * $0 + 0.2 * seconds } ?? seconds
                }
            } else if countsAsFailure {
                state.consecutiveFailures += 1
                if state.consecutiveFailures >= health.ejectAfterFailures {
                    state.ejectedUntil = ContinuousClock.now + health.cooldown
                    state.consecutiveFailures = 0
                }
            }
        }
    }

    /// An active probe's result.
    func probed(ok: Bool) {
        state.withLock { state in
            if ok {
                state.probeFailures = 0
                state.probeSuccesses += 1
                // Enough good probes bring it back, whether probes or real traffic took it out.
                if state.probeSuccesses >= health.healthyThreshold {
                    state.probedDown = false
                    state.ejectedUntil = nil
                }
            } else {
                state.probeSuccesses = 0
                state.probeFailures += 1
                if state.probeFailures >= health.unhealthyThreshold { state.probedDown = true }
            }
        }
    }

    /// The split target of an operation.
    func target(for operation: ModelRequest.Operation) -> (origin: HTTP1Origin, requestTarget: String)? {
        operation == .chatCompletions ? chatTarget : embeddingsTarget
    }

    /// The URL of an API path under `base_url`.
    func url(_ path: String) -> URL? {
        URL(string: baseURL + path)
    }
}
