/// The provider families whose wire quirks the gateway knows.
public enum ModelProviderKind: String, Sendable, Hashable, CaseIterable {
    case openai
    case deepseek
    case qwen
    /// vLLM, Ollama, LM Studio, any server speaking OpenAI's format.
    case openaiCompatible = "openai-compatible"
    /// Anthropic's Messages API (`base_url: https://api.anthropic.com`), translated both ways.
    case anthropic
}
