/// Active probes and passive ejection of a group's instances.
public struct ModelHealthSettings: Sendable {
    /// Seconds between active probes; nil: no probes (passive ejection only).
    public var probeInterval: Duration?
    public var probeTimeout: Duration
    /// Consecutive failed probes before an instance is marked down; successes before it is up again.
    public var unhealthyThreshold: Int
    public var healthyThreshold: Int
    /// The probe's path under `base_url`; nil: the provider's model list (`GET /models`, Anthropic's
    /// `/v1/models`), or with `probeBody` its chat endpoint (a POST of that body).
    public var probePath: String?
    public var probeBody: String?
    /// Consecutive failed calls before an instance is ejected from traffic, and for how long.
    public var ejectAfterFailures: Int
    public var cooldown: Duration

    public init(
        probeInterval: Duration? = nil, probeTimeout: Duration = .seconds(5), unhealthyThreshold: Int = 2, healthyThreshold: Int = 1,
        probePath: String? = nil, probeBody: String? = nil, ejectAfterFailures: Int = 3, cooldown: Duration = .seconds(30)
    ) {
        self.probeInterval = probeInterval
        self.probeTimeout = probeTimeout
        self.unhealthyThreshold = unhealthyThreshold
        self.healthyThreshold = healthyThreshold
        self.probePath = probePath
        self.probeBody = probeBody
        self.ejectAfterFailures = ejectAfterFailures
        self.cooldown = cooldown
    }
}
