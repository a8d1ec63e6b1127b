/// Prices in currency units per million tokens.
public struct ModelPrice: Sendable, Hashable {
    public var input: Double
    public var cachedInput: Double
    public var output: Double

    public init(input: Double, cachedInput: Double? = nil, output: Double) {
        self.input = input
        self.cachedInput = cachedInput ?? input
        self.output = output
    }

    /// What `usage` costs.
    public func cost(of usage: TokenUsage) -> Double {
        let uncached = max(0, usage.promptTokens - usage.cachedPromptTokens)
        return (Double(uncached) * input + Double(usage.cachedPromptTokens) * cachedInput + Double(usage.completionTokens) * output) / 1_000_000
    }
}
