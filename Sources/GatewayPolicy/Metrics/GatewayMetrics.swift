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
    private let modelSeries = Mutex<[ModelSeriesKey: ModelSeries]>([:])
    private let firstChunkSeries = Mutex<[ModelSeriesKey: DurationHistogram]>([:])
    private let cachedSeries = Mutex<[ModelSeriesKey: Counter]>([:])
    private let reasoningSeries = Mutex<[ModelSeriesKey: Counter]>([:])
    private let splitSeries = Mutex<[SplitSeries: (upstream: DurationHistogram, overhead: DurationHistogram)]>([:])
    private let samplers = Mutex<[String: @Sendable (Samples) -> Void]>([:])
    /// The last total each sampled counter reported (a counter only goes up by the difference).
    private let sampledTotals = Mutex<[String: Int]>([:])
    /// Model streams being relayed now.
    let openStreams: Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        openStreams = registry.makeGauge(descriptor: Self.streamsOpen, labels: [])
    }

    /// The upstream's share of a finished call (when it reached one) and the gateway's own time
    /// (the rest), each series looked up once per kind and target.
    func split(kind: CallKind, scope: String, upstream: Duration, whole: Duration) {
        let key = SplitSeries(kind: kind, scope: scope)
        let series = Self.kept(splitSeries, key) {
            (
                upstream: registry.makeDurationHistogram(
                    descriptor: Self.upstreamDuration, labels: [("kind", kind.rawValue), ("server", Self.bounded(scope))], buckets: Self.durationBuckets
                ),
                overhead: registry.makeDurationHistogram(descriptor: Self.overhead, labels: [("kind", kind.rawValue)], buckets: Self.overheadBuckets)
            )
        }
        if upstream > .zero { series.upstream.record(upstream) }
        series.overhead.record(max(.zero, whole - upstream))
    }

    private struct SplitSeries: Hashable {
        var kind: CallKind
        var scope: String
    }

    /// Attempts after a model call's first (on the next instance, or the same one when it is the last left).
    func retries(group: String, count: Int) {
        guard count > 0 else { return }
        registry.makeCounter(descriptor: Self.retryCount, labels: [("gen_ai_request_model", Self.bounded(group))]).increment(by: Int64(count))
    }

    /// Registers (or, under the same key, replaces) what is read at each scrape: gauges of the
    /// runtime's state (sessions, connections, instance health) and totals it keeps itself.
    public func setSampler(_ key: String, _ sample: @escaping @Sendable (Samples) -> Void) {
        samplers.withLock { $0[key] = sample }
    }

    /// What a sampler reports at a scrape.
    public struct Samples: Sendable {
        let metrics: GatewayMetrics

        /// A gauge's value now (`toolgate_<name>`).
        public func gauge(_ name: String, help: String, labels: [(String, String)] = [], value: Double) {
            let bounded = labels.map { ($0.0, GatewayMetrics.bounded($0.1)) }
            metrics.registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "toolgate", metricName: name, unitName: "", helpText: help), labels: bounded)
                .set(value)
        }

        /// A counter from a total the runtime keeps (`toolgate_<name>_total`): it goes up by the
        /// difference since the last scrape; a total that went down (its source was replaced) starts over.
        public func counter(_ name: String, help: String, labels: [(String, String)] = [], total: Int) {
            let bounded = labels.map { ($0.0, GatewayMetrics.bounded($0.1)) }
            let key = name + bounded.map { "|\($0.0)=\($0.1)" }.joined()
            let increase = metrics.sampledTotals.withLock { totals -> Int in
                defer { totals[key] = total }
                guard let last = totals[key], total >= last else { return total }
                return total - last
            }
            let counter = metrics.registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "toolgate", metricName: name, unitName: "total", helpText: help), labels: bounded
            )
            if increase > 0 { counter.increment(by: Int64(increase)) }
        }
    }

    /// One finished call: `outcome` is `ok`, `tool_error`, or the error code it ended with.
    func call(kind: CallKind, scope: String, name: String, outcome: String, duration: Duration) {
        let key = CallSeries(kind: kind, scope: scope, name: name, outcome: outcome)
        let series = Self.kept(callSeries, key) {
            (
                count: registry.makeCounter(
                    descriptor: Self.calls, labels: [("kind", kind.rawValue), ("server", Self.bounded(scope)), ("name", Self.bounded(name)), ("outcome", outcome)]
                ),
                duration: registry.makeDurationHistogram(
                    descriptor: Self.callDuration, labels: [("kind", kind.rawValue), ("server", Self.bounded(scope))], buckets: Self.durationBuckets
                )
            )
        }
        series.count.increment()
        series.duration.record(duration)
    }

    /// A policy refused a call (or replaced its answer).
    func denied(by policy: String) {
        registry.makeCounter(descriptor: Self.denials, labels: [("policy", policy)]).increment()
    }

    /// A model call's usage and timings, when its answer (or stream) ended. Each series is looked
    /// up in the registry once per operation, group, instance, error type and modality (a stream's
    /// end would otherwise build six descriptors and label arrays for the registry to validate and hash).
    func modelCall(operation: String, group: String, instance: String, usage: TokenUsage?, duration: Duration, timeToFirstChunk: Duration?, errorType: String?) {
        let usage = usage ?? TokenUsage(promptTokens: 0, completionTokens: 0)
        let key = ModelSeriesKey(
            operation: operation, group: group, instance: instance, errorType: errorType ?? "",
            modality: usage.promptTokens + usage.completionTokens > 0 ? "text" : "unknown"
        )
        let series = Self.kept(modelSeries, key) { makeModelSeries(key) }
        series.duration.record(duration)
        series.input.increment(by: Int64(usage.promptTokens))
        series.output.increment(by: Int64(usage.completionTokens))
        // These series appear once a call has had something to count.
        if let timeToFirstChunk {
            Self.kept(firstChunkSeries, key) { registry.makeDurationHistogram(descriptor: Self.timeToFirstChunk, labels: key.base, buckets: Self.genAIBuckets) }
                .record(timeToFirstChunk)
        }
        if usage.cachedPromptTokens > 0 {
            Self.kept(cachedSeries, key) { registry.makeCounter(descriptor: Self.cachedTokens, labels: key.base) }.increment(by: Int64(usage.cachedPromptTokens))
        }
        if usage.reasoningTokens > 0 {
            Self.kept(reasoningSeries, key) { registry.makeCounter(descriptor: Self.reasoningTokens, labels: key.base) }
                .increment(by: Int64(usage.reasoningTokens))
        }
    }

    private func makeModelSeries(_ key: ModelSeriesKey) -> ModelSeries {
        let withModality = key.base + [("gen_ai_token_modality", key.modality)]
        return ModelSeries(
            duration: registry.makeDurationHistogram(
                descriptor: Self.inferenceDuration, labels: key.base + [("error_type", key.errorType)], buckets: Self.genAIBuckets
            ),
            input: registry.makeCounter(descriptor: Self.inputTokens, labels: withModality),
            output: registry.makeCounter(descriptor: Self.outputTokens, labels: withModality)
        )
    }

    private struct ModelSeriesKey: Hashable {
        var operation: String
        var group: String
        var instance: String
        var errorType: String
        var modality: String

        var base: [(String, String)] {
            [("gen_ai_operation_name", operation), ("gen_ai_request_model", GatewayMetrics.bounded(group)), ("toolgate_instance", GatewayMetrics.bounded(instance))]
        }
    }

    /// A model call's series that every call records.
    private struct ModelSeries {
        var duration: DurationHistogram
        var input: Counter
        var output: Counter
    }

    /// The series cached under `key`, made (and cached) on first use.
    private static func kept<Key: Hashable & Sendable, Series: Sendable>(_ cache: borrowing Mutex<[Key: Series]>, _ key: Key, _ make: () -> Series) -> Series {
        cache.withLock { known in
            if let series = known[key] { return series }
            let series = make()
            known[key] = series
            return series
        }
    }

    /// Calls in flight, by kind.
    func inFlight(_ kind: CallKind) -> Gauge {
        Self.kept(inFlightGauges, kind) { registry.makeGauge(descriptor: Self.callsInFlight, labels: [("kind", kind.rawValue)]) }
    }

    /// The exposition text (`text/plain; version=0.0.4`), after reading the samplers.
    public func render() -> [UInt8] {
        let samplers = samplers.withLock { Array($0.values) }
        let samples = Samples(metrics: self)
        for sample in samplers { sample(samples) }
        return registry.emitToBuffer()
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
    /// The gateway's own time per call is small: finer buckets (seconds).
    static let overheadBuckets: [Duration] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1].map {
        .nanoseconds(Int64($0 * 1e9))
    }
    static var upstreamDuration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "toolgate", metricName: "upstream_duration", unitName: "seconds",
            helpText: "Time a call waited on its upstream: the API or MCP server, or the model provider until the whole answer."
        )
    }
    static var overhead: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "toolgate", metricName: "gateway_overhead", unitName: "seconds", helpText: "A call's time in the gateway itself: the whole call minus the upstream's share."
        )
    }
    static var retryCount: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "toolgate", metricName: "model_retries", unitName: "total",
            helpText: "Model calls' attempts after the first: on the next instance (a fallback), or the same one when it is the last left."
        )
    }
    static var streamsOpen: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "toolgate", metricName: "model_streams_open", unitName: "", helpText: "Model streams being relayed now.")
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
