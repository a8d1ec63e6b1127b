/// One model group of the configuration (`models:`): what clients name, how its instances are
/// chosen, when the next one is tried, and the instances themselves.
public struct ModelGroupSettings: Sendable {
    public var name: String
    public var aliases: [String]
    /// No first token by then: the attempt is abandoned and the next instance tried.
    public var ttftTimeout: Duration?
    /// The whole call (non-stream), or the time to the answer's head and between events (stream).
    public var timeout: Duration
    /// Attempts after the first, each on the next instance in selection order.
    public var maxRetries: Int
    /// No new attempt starts once this much time has passed since the call arrived.
    public var retryBudget: Duration?
    public var fallbackOn: Set<FallbackTrigger>
    public var strategy: RoutingStrategy
    public var health: ModelHealthSettings
    public var stream: ModelStreamSettings
    public var instances: [ModelInstanceSettings]

    public init(
        name: String, aliases: [String] = [], ttftTimeout: Duration? = nil, timeout: Duration = .seconds(60), maxRetries: Int = 2,
        retryBudget: Duration? = nil, fallbackOn: Set<FallbackTrigger> = FallbackTrigger.defaults, strategy: RoutingStrategy = .weightedRoundRobin,
        health: ModelHealthSettings = ModelHealthSettings(), stream: ModelStreamSettings = ModelStreamSettings(), instances: [ModelInstanceSettings]
    ) {
        self.name = name
        self.aliases = aliases
        self.ttftTimeout = ttftTimeout
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.retryBudget = retryBudget
        self.fallbackOn = fallbackOn
        self.strategy = strategy
        self.health = health
        self.stream = stream
        self.instances = instances
    }
}
