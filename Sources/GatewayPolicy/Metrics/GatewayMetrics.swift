import GatewayCore
import Prometheus
import Synchronization

/// The gateway's Prometheus metrics, in one registry that `/metrics` renders.
///
/// Names follow Prometheus' conventions (base units, `_total` on counters) and, for model
/// traffic, the OpenTelemetry GenAI meanings mapped to Prometheus names
/// (`gen_ai_client_inference_usage_input_tokens_total`, `gen_ai_client_inference_duration_seconds`,
/// `gen_ai_client_inference_time_to_first_chunk_seconds`). Label values are bounded: kinds,
/// outcomes and policies are fixed sets; servers, tools, model groups and instances come from the
/// configuration (names are cut at 128 bytes); no consumer, session, URI or free text.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    static let durationBuckets: [Duration] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60].map {
        .nanoseconds(Int64($0 * 1e9))
    }
    /// The GenAI conventions' duration buckets (seconds).
    static let genAIBuckets: [Duration] = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92].map {
        .nanoseconds(Int64($0 * 1e9))
    }

    // The descriptors are computed, not stored: `MetricNameDescriptor` is not `Sendable`.

    /// The series of one kind of call on one target with one outcome, looked up once: every call
    /// would otherwise build two descriptors and two label arrays for the registry to hash.
    private struct CallSeries: Hashable {
        var kind: CallKind
        var scope: String
        var name: String
        var outcome: String
    }

    private let callSeries = Mutex<[CallSeries: (count: Counter, duration: DurationHistogram)]>([:])
    private let inFlightGauges = Mutex<[CallKind: Gauge]>([:])

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// One finished call: `outcome` is `ok`, `tool_error`, or the error code it ended with.
    func call(kind: CallKind, scope: String, name: String, outcome: String, duration: Duration) {
        let key = CallSeries(kind: kind, scope: scope, name: name, outcome: outcome)
        let series = callSeries.withLock { known in
            if let series = known[key] { return series }
            let labels = [("kind", kind.rawValue), ("server", Self.bounded(scope)), ("name", Self.bounded(name)), ("outcome", outcome)]
            let series = (
                count: registry.makeCounter(descriptor: Self.calls, labels: labels),
                duration: registry.makeDurationHistogram(
                    descriptor: Self.callDuration, labels: [("kind", kind.rawValue), ("server", Self.bounded(scope))], buckets: Self.durationBuckets
                )
            )
            known[key] = series
            return series
        }
        series.count.increment()
        series.duration.record(duration)
    }

    /// A policy refused a call (or replaced its answer).
    func denied(by policy: String) {
        registry.makeCounter(descriptor: Self.denials, labels: [("policy", policy)]).increment()
    }

    /// A model call's usage and timings, when its answer (or stream) ended.
    func modelCall(operation: String, group: String, instance: String, usage: TokenUsage?, duration: Duration, timeToFirstChunk: Duration?, errorType: String?) {
        let base = [("gen_ai_operation_name", operation), ("gen_ai_request_model", Self.bounded(group)), ("toolgate_instance", Self.bounded(instance))]
        registry.makeDurationHistogram(descriptor: Self.inferenceDuration, labels: base + [("error_type", errorType ?? "")], buckets: Self.genAIBuckets)
            .record(duration)
        if let timeToFirstChunk {
            registry.makeDurationHistogram(descriptor: Self.timeToFirstChunk, labels: base, buckets: Self.genAIBuckets).record(timeToFirstChunk)
        }
        let usage = usage ?? TokenUsage(promptTokens: 0, completionTokens: 0)
        let modality = usage.promptTokens + usage.completionTokens > 0 ? "text" : "unknown"
        let withModality = base + [("gen_ai_token_modality", modality)]
        registry.makeCounter(descriptor: Self.inputTokens, labels: withModality).increment(by: Int64(usage.promptTokens))
        registry.makeCounter(descriptor: Self.outputTokens, labels: withModality).increment(by: Int64(usage.completionTokens))
        if usage.cachedPromptTokens > 0 { registry.makeCounter(descriptor: Self.cachedTokens, labels: base).increment(by: Int64(usage.cachedPromptTokens)) }
        if usage.reasoningTokens > 0 { registry.makeCounter(descriptor: Self.reasoningTokens, labels: base).increment(by: Int64(usage.reasoningTokens)) }
    }

    /// Calls in flight, by kind.
    func inFlight(_ kind: CallKind) -> Gauge {
        inFlightGauges.withLock { known in
            if let gauge = known[kind] { return gauge }
            let gauge = registry.makeGauge(descriptor: Self.callsInFlight, labels: [("kind", kind.rawValue)])
            known[kind] = gauge
            return gauge
        }
    }

    /// The exposition text (`text/plain; version=0.0.4`).
    public func render() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// A configured name as a label value: at most 128 bytes.
    static func bounded(_ value: String) -> String {
        value.utf8.count <= 128 ? value : String(decoding: value.utf8.prefix(128), as: UTF8.self)
    }

    static var calls: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "toolgate", metricName: "calls", unitName: "total", helpText: "Calls through the policy chain by kind, server or model group, name and outcome."
        )
    }
    static var callDuration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "toolgate", metricName: "call_duration", unitName: "seconds", helpText: "Whole call, from arrival to the answer (a stream's to its end)."
        )
    }
    static var callsInFlight: MetricNameDescriptor { MetricNameDescriptor(namespace: "toolgate", metricName: "calls_in_flight", unitName: "", helpText: "Calls being served now.") }
    static var denials: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "toolgate", metricName: "policy_denials", unitName: "total", helpText: "Calls a policy refused (or answered itself), by policy."
        )
    }
    static var inferenceDuration: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "gen_ai_client_inference_duration", unitName: "seconds", helpText: "Model calls, from arrival to the whole answer or the stream's end."
        )
    }
    static var timeToFirstChunk: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "gen_ai_client_inference_time_to_first_chunk", unitName: "seconds", helpText: "Streamed model calls: time to the first chunk."
        )
    }
    static var inputTokens: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "gen_ai_client_inference_usage_input_tokens", unitName: "total", helpText: "Prompt tokens, cached ones included."
        )
    }
    static var outputTokens: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "gen_ai_client_inference_usage_output_tokens", unitName: "total", helpText: "Completion tokens, reasoning ones included."
        )
    }
    static var cachedTokens: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "gen_ai_client_inference_usage_cache_read_input_tokens", unitName: "total", helpText: "Prompt tokens read from the provider's cache."
        )
    }
    static var reasoningTokens: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "gen_ai_client_inference_usage_reasoning_output_tokens", unitName: "total", helpText: "Completion tokens spent on reasoning."
        )
    }
}
