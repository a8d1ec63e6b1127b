/// OpenTelemetry traces (`tracing:`): where spans are exported over OTLP/HTTP, and how many.
/// Off unless configured.
public struct TracingSettings: Sendable, Equatable {
    /// How spans are encoded on the wire.
    public enum WireProtocol: String, Sendable, Equatable, CaseIterable {
        case httpProtobuf = "http/protobuf"
        case httpJSON = "http/json"
    }

    /// The collector's traces URL (`http://127.0.0.1:4318/v1/traces`).
    public var endpoint: String
    public var wireProtocol: WireProtocol
    /// `service.name` of the exported resource.
    public var serviceName: String
    /// The share of new traces recorded (a caller's sampled `traceparent` is always followed).
    public var sampleRatio: Double
    /// How long finished spans wait to be exported together.
    public var exportDelay: Duration

    public init(
        endpoint: String = "http://127.0.0.1:4318/v1/traces", wireProtocol: WireProtocol = .httpProtobuf, serviceName: String = "toolgate",
        sampleRatio: Double = 1, exportDelay: Duration = .seconds(5)
    ) {
        self.endpoint = endpoint
        self.wireProtocol = wireProtocol
        self.serviceName = serviceName
        self.sampleRatio = sampleRatio
        self.exportDelay = exportDelay
    }
}
