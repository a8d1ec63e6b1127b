/// One limit of a consumer or group: what it counts, how much, over which window, and which
/// calls it applies to (all, or those of some servers, tools or model groups).
public struct LimitSettings: Sendable, Hashable {
    /// What a limit counts.
    public enum Measure: String, Sendable, Hashable {
        /// Tool calls, resource reads, prompt gets and model calls (not handshakes, pings or lists).
        case requests
        /// Calls in flight at once (no window).
        case concurrent
        /// Model tokens: prompt, completion, or both.
        case tokens
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        /// Currency units: model tokens by their instance's price, tool calls by `tool_call_price`.
        case cost
    }

    public var measure: Measure
    public var amount: Double
    /// The window (nil for `concurrent`).
    public var window: Duration?
    /// Only calls to these servers (`clinic`), tools (`clinic/get*`) or model groups count; nil: all.
    public var servers: [String]?
    public var tools: [String]?
    public var models: [String]?

    public init(measure: Measure, amount: Double, window: Duration? = nil, servers: [String]? = nil, tools: [String]? = nil, models: [String]? = nil) {
        self.measure = measure
        self.amount = amount
        self.window = window
        self.servers = servers
        self.tools = tools
        self.models = models
    }

    /// Whether a call to `target` counts against this limit.
    public func applies(to target: CallTarget) -> Bool {
        switch measure {
        case .tokens, .promptTokens, .completionTokens: guard target.kind.isModelCall else { return false }
        case .requests, .concurrent, .cost: guard target.kind.countsAsRequest else { return false }
        }
        let scopedToModels = models != nil
        let scopedToTools = servers != nil || tools != nil
        if target.kind.isModelCall {
            return scopedToModels ? Grants.matches(models, target.scope) : !scopedToTools
        }
        if !scopedToTools { return !scopedToModels }
        return Grants.matches(servers, target.scope) && Grants.matches(tools, target.scope + "/" + target.name)
    }

    /// The policy's name in `RateLimit-Policy` (`requests-60s`, `tokens-3600s`).
    public var policyName: String {
        window.map { "\(measure.rawValue)-\($0.components.seconds)s" } ?? measure.rawValue
    }
}
