import GatewayCore
@testable import GatewayPolicy
import Testing

/// Model-call series are looked up once and kept: what they count must stay what the registry shows.
@Suite("Gateway metrics")
struct GatewayMetricsTests {
    @Test("model calls: tokens, cached and reasoning tokens, first chunks and errors add up across calls on kept series")
    func modelCallSeries() {
        let metrics = GatewayMetrics()
        let usage = TokenUsage(promptTokens: 10, completionTokens: 5, cachedPromptTokens: 4, reasoningTokens: 2)
        metrics.modelCall(operation: "chat", group: "chat", instance: "a", usage: nil, duration: .milliseconds(5), timeToFirstChunk: nil, errorType: nil)
        for _ in 0..<3 {
            metrics.modelCall(operation: "chat", group: "chat", instance: "a", usage: usage, duration: .milliseconds(20), timeToFirstChunk: .milliseconds(2), errorType: nil)
        }
        metrics.modelCall(operation: "chat", group: "chat", instance: "a", usage: nil, duration: .milliseconds(1), timeToFirstChunk: nil, errorType: "timeout")
        let text = String(decoding: metrics.render(), as: UTF8.self)
        let base = #"gen_ai_operation_name="chat",gen_ai_request_model="chat",toolgate_instance="a""#
        #expect(text.contains(#"gen_ai_client_inference_usage_input_tokens_total{\#(base),gen_ai_token_modality="text"} 30"#))
        #expect(text.contains(#"gen_ai_client_inference_usage_output_tokens_total{\#(base),gen_ai_token_modality="text"} 15"#))
        #expect(text.contains(#"gen_ai_client_inference_usage_input_tokens_total{\#(base),gen_ai_token_modality="unknown"} 0"#))
        #expect(text.contains(#"gen_ai_client_inference_usage_cache_read_input_tokens_total{\#(base)} 12"#))
        #expect(text.contains(#"gen_ai_client_inference_usage_reasoning_output_tokens_total{\#(base)} 6"#))
        #expect(text.contains(#"gen_ai_client_inference_time_to_first_chunk_seconds_count{\#(base)} 3"#))
        #expect(text.contains(#"gen_ai_client_inference_duration_seconds_count{\#(base),error_type=""} 4"#))
        #expect(text.contains(#"gen_ai_client_inference_duration_seconds_count{\#(base),error_type="timeout"} 1"#))
    }
}
