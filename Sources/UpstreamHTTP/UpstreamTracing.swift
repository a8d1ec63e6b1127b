import Instrumentation
import NIOHTTP1
import Synchronization

/// The trace context of a call, passed on: when tracing is on, each request to an upstream API
/// or model provider carries the W3C `traceparent` (and `tracestate`) of the call's span, so the
/// upstream's spans join the caller's trace. Off (a flag read per request) until `enable()`.
public enum UpstreamTracing {
    private static let enabled = Atomic<Bool>(false)

    /// Called once the process's tracer is bootstrapped.
    public static func enable() {
        enabled.store(true, ordering: .relaxed)
    }

    /// Adds the current span's context to `headers` (nothing when tracing is off or no span runs).
    public static func inject(into headers: inout HTTPHeaders) {
        guard enabled.load(ordering: .relaxed), let context = ServiceContext.current else { return }
        InstrumentationSystem.instrument.inject(context, into: &headers, using: HeadersInjector())
    }

    struct HeadersInjector: Injector {
        func inject(_ value: String, forKey key: String, into headers: inout HTTPHeaders) {
            headers.replaceOrAdd(name: key, value: value)
        }
    }
}
