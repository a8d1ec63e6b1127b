import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The tool-call hot path's HTTP client: keep-alive HTTP/1.1 connections to plain `http://`
/// upstreams, pooled per origin; a call that runs on an event loop takes a connection owned by
/// that same loop, or opens one there while the origin has room, so it does not change threads
/// (another loop's idle connection only when it has not). One request is in flight per
/// connection (no pipelining), at most `maxConnectionsPerOrigin` open per origin (further calls
/// wait for a free one, within their deadline). A reused connection the upstream closed before answering is
/// replaced and the request sent again when that is safe (the request never left, or its method
/// is idempotent). `https://` upstreams go through AsyncHTTPClient instead (TLS, HTTP/2).
public final class HTTP1ConnectionPool: Sendable {
    /// Connection limits.
    public struct Configuration: Sendable {
        /// How long opening a connection may take.
        public var connectTimeout: Duration
        /// Connections open at once per origin (idle, in use or opening); further calls wait for one.
        public var maxConnectionsPerOrigin: Int
        /// Idle connections kept per origin; more are closed when released.
        public var maxIdlePerOrigin: Int
        /// An idle connection unused this long is closed.
        public var idleTimeout: Duration

        public init(
            connectTimeout: Duration = .seconds(10), maxConnectionsPerOrigin: Int = 64, maxIdlePerOrigin: Int = 64, idleTimeout: Duration = .seconds(60)
        ) {
            self.connectTimeout = connectTimeout
            self.maxConnectionsPerOrigin = maxConnectionsPerOrigin
            self.maxIdlePerOrigin = maxIdlePerOrigin
            self.idleTimeout = idleTimeout
        }
    }

    let configuration: Configuration
    private let group: any EventLoopGroup
    private let slots: HTTP1OriginSlots

    /// The process-wide pool tool calls share.
    public static let shared = HTTP1ConnectionPool()

    /// A pool on NIO's shared event loops (the ones Toolgate also runs its tasks on).
    public init(configuration: Configuration = Configuration(), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = group
        self.slots = HTTP1OriginSlots(maxOpen: max(1, configuration.maxConnectionsPerOrigin), maxIdle: configuration.maxIdlePerOrigin)
    }

    /// Sends one request to `origin` and collects the answer (at most `maxBytes` of body; beyond
    /// that the answer is cut, marked, and the connection closed). Cancelling the calling task
    /// closes the connection and throws `CancellationError`.
    public func execute(
        _ head: HTTPRequestHead, body: ByteBuffer?, origin: HTTP1Origin, deadline: NIODeadline, maxBytes: Int
    ) async throws -> HTTP1Response {
        let current = MultiThreadedEventLoopGroup.currentEventLoop
        var head = head
        if !head.headers.contains(name: "host") { head.headers.add(name: "Host", value: origin.hostHeader) }
        if let body { head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes)) }
        if let problem = head.sendingProblem { throw HTTP1PoolError(.invalidRequest, "the request cannot be sent: \(problem)") }
        let exchange = HTTP1Exchange(head: head, body: body, deadline: deadline, maxBytes: maxBytes)
        let loop = current ?? group.next()
        var retried = false
        while true {
            let channel: any Channel
            let lease = try await slots.acquire(origin, for: current, deadline: deadline, timerLoop: loop)
            switch lease {
            case .idle(let idle): channel = idle
            case .connect: channel = try await connect(origin, on: loop, deadline: deadline)
            }
            do {
                return try await send(exchange, on: channel)
            } catch let error as HTTP1PoolError where !retried && lease.isReused && error.isStale(retryable: Self.isIdempotent(head.method)) {
                // The upstream closed this kept-alive connection as we used it: once more, on another.
                retried = true
            }
        }
    }

    /// Closes every idle connection (calls in flight keep theirs until they finish).
    public func closeIdleConnections() {
        for channel in slots.drainIdle() { channel.close(promise: nil) }
    }

    private func send(_ exchange: HTTP1Exchange, on channel: any Channel) async throws -> HTTP1Response {
        let promise = channel.eventLoop.makePromise(of: HTTP1Response.self)
        var exchange = exchange
        exchange.promise = promise
        // A connection that closed since it was taken has no handlers left to see the exchange:
        // the failed write is then the only news, and the request never left.
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { error in
            promise.fail(HTTP1PoolError(.sendFailed, "the request could not be sent: \(error)"))
        }
        channel.writeAndFlush(exchange, promise: written)
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            channel.triggerUserOutboundEvent(HTTP1ExchangeHandler.Cancel(), promise: nil)
        }
    }

    private func connect(_ origin: HTTP1Origin, on loop: any EventLoop, deadline: NIODeadline) async throws -> any Channel {
        let remaining = deadline - .now()
        let timeout = min(TimeAmount(configuration.connectTimeout), remaining)
        guard timeout > .zero else {
            slots.closed(nil, origin: origin)
            throw HTTP1PoolError(.timedOut, "no answer within the deadline")
        }
        let idleTimeout = TimeAmount(configuration.idleTimeout)
        let slots = self.slots
        do {
            return try await ClientBootstrap(group: loop)
                .connectTimeout(timeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // Heads are checked once in `execute` (`sendingProblem`), not by NIO's
                        // validator in every connection's pipeline (≈ 3% of a tool call's CPU).
                        try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                        let handler = HTTP1ExchangeHandler(
                            idleTimeout: idleTimeout, reusable: { slots.release($0, origin: origin) }, closed: { slots.closed($0, origin: origin) }
                        )
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: origin.host, port: origin.port)
                .get()
        } catch {
            slots.closed(nil, origin: origin)
            if case ChannelError.connectTimeout = error { throw HTTP1PoolError(.connectTimedOut, "connection timed out") }
            throw HTTP1PoolError(.connectFailed, Self.describeConnect(error))
        }
    }

    static func isIdempotent(_ method: HTTPMethod) -> Bool {
        switch method {
        case .GET, .HEAD, .PUT, .DELETE, .OPTIONS, .TRACE: return true
        default: return false
        }
    }

    /// Words a failure to reach an upstream (NIO's and AsyncHTTPClient's errors alike) for an agent.
    static func describeConnect(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.lowercased().contains("connection refused") || text.contains("ECONNREFUSED") || text.contains("errno: 111") {
            return "connection refused (is the upstream running?)"
        }
        if text.contains("NIOSSL") || text.contains("TLS") || text.contains("handshake") { return "TLS error: \(text)" }
        if text.contains("resolve") || text.contains("DNS") { return "the host name could not be resolved" }
        return text
    }
}

/// Where a plain HTTP request goes: host (brackets removed from IPv6 literals) and port.
public struct HTTP1Origin: Sendable, Hashable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// The `Host` header value (port omitted when it is 80).
    var hostHeader: String {
        let name = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        return port == 80 ? name : "\(name):\(port)"
    }
}

/// One complete answer.
public struct HTTP1Response: Sendable {
    public var head: HTTPResponseHead
    public var body: [UInt8]
    /// The body was cut at the size limit.
    public var truncated: Bool
}

extension HTTP1OriginSlots.Lease {
    /// A kept-alive connection (which the upstream may have closed meanwhile).
    var isReused: Bool {
        if case .idle = self { return true }
        return false
    }
}
