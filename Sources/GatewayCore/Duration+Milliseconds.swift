extension Duration {
    /// Whole milliseconds, for logs and messages (`0.226656425 seconds` reads badly).
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Milliseconds to the microsecond (`0.412`), for records and logs that keep the fraction.
    public var fractionalMilliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds * 1_000_000 + attoseconds / 1_000_000_000_000) / 1000
    }
}
