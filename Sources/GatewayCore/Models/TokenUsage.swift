import MCPCore

/// The tokens a model call used, as its provider reported them (or as the gateway estimated
/// them, `estimated`).
public struct TokenUsage: Sendable, Hashable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    /// Prompt tokens served from the provider's cache (`prompt_tokens_details.cached_tokens`,
    /// DeepSeek's `prompt_cache_hit_tokens`).
    public var cachedPromptTokens: Int
    /// Reasoning tokens, part of `completionTokens`.
    public var reasoningTokens: Int
    /// The gateway counted these itself (the provider sent no usage).
    public var estimated: Bool

    public init(promptTokens: Int, completionTokens: Int, totalTokens: Int? = nil, cachedPromptTokens: Int = 0, reasoningTokens: Int = 0, estimated: Bool = false) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens ?? promptTokens + completionTokens
        self.cachedPromptTokens = cachedPromptTokens
        self.reasoningTokens = reasoningTokens
        self.estimated = estimated
    }

    /// Reads an OpenAI-style `usage` object (with DeepSeek's and DashScope's extra fields);
    /// nil for `null` or a value without `prompt_tokens`.
    public init?(openAI usage: JSONValue?) {
        guard let usage, let prompt = usage["prompt_tokens"]?.intValue else { return nil }
        let completion = usage["completion_tokens"]?.intValue ?? 0
        let cached = usage["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? usage["prompt_cache_hit_tokens"]?.intValue ?? 0
        self.init(
            promptTokens: Int(prompt), completionTokens: Int(completion),
            totalTokens: usage["total_tokens"]?.intValue.map { Int($0) }, cachedPromptTokens: Int(cached),
            reasoningTokens: Int(usage["completion_tokens_details"]?["reasoning_tokens"]?.intValue ?? 0)
        )
    }
}
