import GatewayCore

/// The IETF rate-limit fields (draft-ietf-httpapi-ratelimit-headers -10/-11 syntax), rendered in
/// one place: `RateLimit-Policy: "requests-60s";q=100;w=60` and `RateLimit: "requests-60s";r=0;t=23`.
enum RateLimitHeaders {
    static func fields(_ limit: LimitSettings, _ decision: RateLimitDecision) -> [(name: String, value: String)] {
        let name = "\"\(limit.policyName)\""
        var policy = "\(name);q=\(Int(limit.amount.rounded(.down)))"
        if limit.measure != .requests { policy += ";qu=\"\(limit.measure == .concurrent ? "concurrent-requests" : limit.measure.rawValue)\"" }
        if let window = limit.window { policy += ";w=\(window.components.seconds)" }
        var current = "\(name);r=\(Int(decision.remaining.rounded(.down)))"
        if let reset = decision.resetIn { current += ";t=\(seconds(reset))" }
        return [("RateLimit-Policy", policy), ("RateLimit", current)]
    }

    /// Whole seconds, rounded up (a client that waits this long finds the window over).
    static func seconds(_ duration: Duration) -> Int {
        let (whole, fraction) = duration.components
        return Int(whole) + (fraction > 0 ? 1 : 0)
    }
}
