extension StringProtocol {
    /// Whether `needle` occurs in this text, compared byte for byte (UTF-8, no locale). On the
    /// request path this replaces `contains(_:)`, which Foundation answers through `NSString`.
    public func containsBytes(_ needle: some StringProtocol) -> Bool {
        utf8.firstRange(of: needle.utf8) != nil
    }
}
