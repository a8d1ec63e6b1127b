extension Duration {
    /// Whole milliseconds, for logs and messages (`0.226656425 seconds` reads badly).
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
