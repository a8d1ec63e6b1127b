import GatewayCore
import MCPCore

extension TokenUsage {
    /// Reads an Anthropic `usage` object (anthropic-messages.md §2, §6.5): the prompt is the
    /// uncached `input_tokens` plus cache writes and reads, the cached part is the reads, and
    /// thinking tokens are reasoning. Nil for a value without `output_tokens` or `input_tokens`.
    package init?(anthropic usage: JSONValue?) {
        guard let usage, usage.objectValue != nil else { return nil }
        let input = usage["input_tokens"]?.intValue
        let output = usage["output_tokens"]?.intValue
        guard input != nil || output != nil else { return nil }
        let reads = Int(usage["cache_read_input_tokens"]?.intValue ?? 0)
        let writes = Int(usage["cache_creation_input_tokens"]?.intValue ?? 0)
        self.init(
            promptTokens: Int(input ?? 0) + reads + writes, completionTokens: Int(output ?? 0), cachedPromptTokens: reads,
            reasoningTokens: Int(usage["output_tokens_details"]?["thinking_tokens"]?.intValue ?? 0)
        )
    }

    /// The usage as an OpenAI `usage` object, with the cached and reasoning details.
    package var openAIJSON: JSONValue {
        [
            "prompt_tokens": .int(Int64(promptTokens)), "completion_tokens": .int(Int64(completionTokens)), "total_tokens": .int(Int64(totalTokens)),
            "prompt_tokens_details": ["cached_tokens": .int(Int64(cachedPromptTokens))],
            "completion_tokens_details": ["reasoning_tokens": .int(Int64(reasoningTokens))],
        ]
    }
}
