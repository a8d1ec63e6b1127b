import GatewayCore
import Logging
import OTel
import ServiceLifecycle
import Synchronization
import Tracing

/// The process's OpenTelemetry tracer (swift-otel, OTLP/HTTP): bootstrapped once, when a
/// configuration first asks for traces, and kept for the life of the process (a reload cannot
/// change it; the tracing system takes one bootstrap per process).
enum TracingBackend {
    private static let started = Mutex<(settings: TracingSettings, service: any Service)?>(nil)

    /// The exporter's service (run it with the gateway's services), bootstrapping the tracer the
    /// first time. Nil when `settings` is nil.
    static func start(_ settings: TracingSettings?, logger: Logger) throws -> (any Service)? {
        guard let settings else { return nil }
        return try started.withLock { started in
            if let started {
                if started.settings != settings { logger.warning("tracing settings change only with a restart; the first ones stay") }
                return started.service
            }
            var configuration = OTel.Configuration.default
            configuration.serviceName = settings.serviceName
            configuration.diagnosticLogger = .custom(logger)
            configuration.propagators = [.traceContext]
            configuration.metrics.enabled = false
            configuration.logs.enabled = false
            configuration.traces.enabled = true
            configuration.traces.exporter = .otlp
            configuration.traces.otlpExporter.endpoint = settings.endpoint
            configuration.traces.otlpExporter.protocol = settings.wireProtocol == .httpJSON ? .httpJSON : .httpProtobuf
            if settings.sampleRatio < 1, let ratio = OTel.Configuration.TracesConfiguration.SamplerConfiguration.parentBasedTraceIDRatio(ratio: settings.sampleRatio) {
                configuration.traces.sampler = ratio
            } else {
                configuration.traces.sampler = .parentBasedAlwaysOn
            }
            configuration.traces.batchSpanProcessor.scheduleDelay = settings.exportDelay
            let backend = try OTel.makeTracingBackend(configuration: configuration)
            InstrumentationSystem.bootstrap(backend.factory)
            logger.info("exporting traces", metadata: ["endpoint": "\(settings.endpoint)", "protocol": "\(settings.wireProtocol.rawValue)"])
            started = (settings, backend.service)
            return backend.service
        }
    }
}
