/// When an attempt's failure sends the call to the next instance.
public enum FallbackTrigger: Sendable, Hashable {
    /// The provider answered with this status.
    case status(Int)
    /// No answer (or no first token) in time.
    case timeout
    /// The connection could not be opened, or broke before the answer began.
    case connect

    /// `[429, 500, 502, 503, 504, 529, timeout, connect]`.
    public static let defaults: Set<FallbackTrigger> = [.status(429), .status(500), .status(502), .status(503), .status(504), .status(529), .timeout, .connect]
}
