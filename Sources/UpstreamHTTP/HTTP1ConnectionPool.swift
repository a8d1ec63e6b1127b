import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// The outbound HTTP client every adapter shares: keep-alive HTTP/1.1 connections to `http://`
/// and `https://` upstreams (TLS with the system's trust store and an optional extra CA file),
/// directly or through an egress proxy, pooled per origin; answers collected whole or streamed.
/// A call a call that runs on an event loop takes a connection owned by
/// that same loop, or opens one there while the origin has room, so it does not change threads
/// (another loop's idle connection only when it has not). One request is in flight per
/// connection (no pipelining), at most `maxConnectionsPerOrigin` open per origin (further calls
/// wait for a free one, within their deadline). A reused connection the upstream closed before answering is
/// replaced and the request sent again when that is safe (the request never left, or its method
/// is idempotent).
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
        /// A PEM file of certificate authorities trusted besides the system's (a company CA).
        public var caFile: String?
        /// The egress proxy; by default what `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` say.
        public var proxy: EgressProxy?

        public init(
            connectTimeout: Duration = .seconds(10), maxConnectionsPerOrigin: Int = 64, maxIdlePerOrigin: Int = 64, idleTimeout: Duration = .seconds(60),
            caFile: String? = nil, proxy: EgressProxy? = EgressProxy.fromEnvironment()
        ) {
            self.caFile = caFile
            self.proxy = proxy
            self.connectTimeout = connectTimeout
            self.maxConnectionsPerOrigin = maxConnectionsPerOrigin
            self.maxIdlePerOrigin = maxIdlePerOrigin
            self.idleTimeout = idleTimeout
        }
    }

    let configuration: Configuration
    private let group: any EventLoopGroup
    private let slots: HTTP1OriginSlots
    /// The TLS context, made on first `https://` use (reading the trust store once).
    private let tls = Mutex<Result<NIOSSLContext, HTTP1PoolError>?>(nil)

    /// The process-wide pool tool calls share.
    public static let shared = HTTP1ConnectionPool()

    /// Reads start at 16 KiB and never go below 4 KiB: with NIO's default (2 KiB at first, down
    /// to 64 bytes on a connection whose answers were small), a model's stream or a REST answer
    /// of a few KiB took two or more reads, and each read is a channel event and a body part.
    static let receiveBuffers = AdaptiveRecvByteBufferAllocator(minimum: 4096, initial: 16384, maximum: 65536)

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
        let exchange = try prepare(head, body: body, origin: origin, deadline: deadline, maxBytes: maxBytes)
        return try await withConnection(origin, method: head.method, deadline: deadline) { channel in
            try await self.send(exchange, on: channel)
        }
    }

    /// Sends one request to `origin` and returns as soon as the answer's head has arrived (within
    /// `deadline`); the body is read chunk by chunk from the result, with backpressure, and no
    /// deadline applies to it. Reading it to the end hands the connection back for reuse;
    /// dropping it or cancelling the reading task closes the connection.
    public func stream(
        _ head: HTTPRequestHead, body: ByteBuffer?, origin: HTTP1Origin, deadline: NIODeadline
    ) async throws -> HTTP1StreamingResponse {
        let exchange = try prepare(head, body: body, origin: origin, deadline: deadline, maxBytes: .max)
        return try await withConnection(origin, method: head.method, deadline: deadline) { channel in
            try await self.sendStreaming(exchange, on: channel)
        }
    }

    /// The head as it goes on the wire (`Host`, `Content-Length`), checked once.
    private func prepare(
        _ head: HTTPRequestHead, body: ByteBuffer?, origin: HTTP1Origin, deadline: NIODeadline, maxBytes: Int
    ) throws -> HTTP1Exchange {
        var head = head
        if !head.headers.contains(name: "host") { head.headers.add(name: "Host", value: origin.hostHeader) }
        if let body { head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes)) }
        if !origin.tls, let proxy = configuration.proxy?.endpoint(for: origin) {
            // A plain request through a proxy names its whole URL; the tunnel of an https one does not.
            if head.uri.hasPrefix("/") { head.uri = "http://\(origin.hostHeader)\(head.uri)" }
            if let authorization = proxy.authorization { head.headers.replaceOrAdd(name: "Proxy-Authorization", value: authorization) }
        }
        if let problem = head.sendingProblem { throw HTTP1PoolError(.invalidRequest, "the request cannot be sent: \(problem)") }
        return HTTP1Exchange(head: head, body: body, deadline: deadline, maxBytes: maxBytes)
    }

    /// Runs `submit` on a connection to `origin`: a kept-alive one, or a new one. A reused
    /// connection the upstream closed as it was used is replaced and the request sent once more
    /// when that is safe.
    private func withConnection<Answer>(
        _ origin: HTTP1Origin, method: HTTPMethod, deadline: NIODeadline, submit: (any Channel) async throws -> Answer
    ) async throws -> Answer {
        let current = MultiThreadedEventLoopGroup.currentEventLoop
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
                return try await submit(channel)
            } catch let error as HTTP1PoolError where !retried && lease.isReused && error.isStale(retryable: Self.isIdempotent(method)) {
                // The upstream closed this kept-alive connection as we used it: once more, on another.
                retried = true
            }
        }
    }

    /// Connections open now (in use and idle) and idle ones, for metrics.
    public var connections: (open: Int, idle: Int) { slots.counts }

    /// Closes every idle connection (calls in flight keep theirs until they finish).
    public func closeIdleConnections() {
        for channel in slots.drainIdle() { channel.close(promise: nil) }
    }

    private func send(_ exchange: HTTP1Exchange, on channel: any Channel) async throws -> HTTP1Response {
        let promise = channel.eventLoop.makePromise(of: HTTP1Response.self)
        var exchange = exchange
        exchange.promise = promise
        return try await submit(exchange, on: channel, answer: promise)
    }

    private func sendStreaming(_ exchange: HTTP1Exchange, on channel: any Channel) async throws -> HTTP1StreamingResponse {
        let promise = channel.eventLoop.makePromise(of: HTTP1StreamingResponse.self)
        var exchange = exchange
        exchange.streamPromise = promise
        return try await submit(exchange, on: channel, answer: promise)
    }

    /// Writes the exchange; `answer` is the promise it carries.
    private func submit<Answer: Sendable>(_ exchange: HTTP1Exchange, on channel: any Channel, answer promise: EventLoopPromise<Answer>) async throws -> Answer {
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
        let proxy = configuration.proxy?.endpoint(for: origin)
        let tunnel = origin.tls && proxy != nil
        let idleTimeout = TimeAmount(configuration.idleTimeout)
        let slots = self.slots
        let handshake = loop.makePromise(of: Void.self)
        let addHandlers: @Sendable (any Channel) throws -> Void = { [self] channel in
            if origin.tls {
                let handler = try NIOSSLClientHandler(context: try tlsContext(), serverHostname: origin.isIPAddress ? nil : origin.host)
                try channel.pipeline.syncOperations.addHandler(handler)
                try channel.pipeline.syncOperations.addHandler(TLSHandshakeWaiter(done: handshake))
            }
            // Heads are checked once in `prepare` (`sendingProblem`), not by NIO's validator in
            // every connection's pipeline (its cost: BENCHMARKS.md).
            try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
            let handler = HTTP1ExchangeHandler(
                idleTimeout: idleTimeout, reusable: { slots.release($0, origin: origin) }, closed: { slots.closed($0, origin: origin) }
            )
            try channel.pipeline.syncOperations.addHandler(handler)
        }
        let tunnelTarget = "\(origin.host.utf8.contains(UInt8(ascii: ":")) ? "[\(origin.host)]" : origin.host):\(origin.port)"
        let tunnelOpened = loop.makePromise(of: Void.self)
        do {
            let channel = try await ClientBootstrap(group: loop)
                .connectTimeout(timeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelOption(.recvAllocator, value: Self.receiveBuffers)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if tunnel {
                            let handler = HTTPConnectTunnelHandler(target: tunnelTarget, authorization: proxy?.authorization, established: tunnelOpened)
                            try channel.pipeline.syncOperations.addHandler(handler)
                        } else {
                            try addHandlers(channel)
                        }
                    }
                }
                .connect(host: proxy?.host ?? origin.host, port: proxy?.port ?? origin.port)
                .get()
            if tunnel {
                try await Self.awaitStep(tunnelOpened, on: channel, within: timeout, "the proxy did not open the tunnel in time")
                try await loop.submit { try addHandlers(channel) }.get()
            } else {
                tunnelOpened.succeed()
            }
            if origin.tls {
                // A handshake failure is a connection failure, said as such (not a request that
                // found its connection closed).
                try await Self.awaitStep(handshake, on: channel, within: timeout, "the TLS handshake did not finish in time")
            } else {
                handshake.succeed()
            }
            return channel
        } catch {
            tunnelOpened.fail(error)
            handshake.fail(error)
            slots.closed(nil, origin: origin)
            if let error = error as? HTTP1PoolError { throw error }
            if case ChannelError.connectTimeout = error { throw HTTP1PoolError(.connectTimedOut, "connection timed out") }
            let through = proxy.map { " (through the proxy \($0.host):\($0.port))" } ?? ""
            throw HTTP1PoolError(.connectFailed, Self.describeConnect(error) + through)
        }
    }

    /// Waits for one step of opening a connection (the proxy's tunnel, the TLS handshake); a
    /// step that fails or takes longer than `timeout` closes the connection.
    private static func awaitStep(_ step: EventLoopPromise<Void>, on channel: any Channel, within timeout: TimeAmount, _ late: String) async throws {
        let timer = channel.eventLoop.scheduleTask(in: timeout) { step.fail(HTTP1PoolError(.connectTimedOut, late)) }
        defer { timer.cancel() }
        do {
            try await step.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// The pool's TLS client context: the system's trust store plus `caFile`, made once.
    private func tlsContext() throws -> NIOSSLContext {
        try tls.withLock { cached in
            if let cached { return cached }
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let file = self.configuration.caFile { configuration.additionalTrustRoots = [.file(file)] }
            let made: Result<NIOSSLContext, HTTP1PoolError>
            do {
                made = .success(try NIOSSLContext(configuration: configuration))
            } catch {
                made = .failure(HTTP1PoolError(.connectFailed, "TLS cannot be set up: \(error)"))
            }
            cached = made
            return made
        }.get()
    }

    package static func isIdempotent(_ method: HTTPMethod) -> Bool {
        switch method {
        case .GET, .HEAD, .PUT, .DELETE, .OPTIONS, .TRACE: return true
        default: return false
        }
    }

    /// Words a failure to reach an upstream (NIO's and AsyncHTTPClient's errors alike) for an agent.
    package static func describeConnect(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.lowercased().contains("connection refused") || text.contains("ECONNREFUSED") || text.contains("errno: 111") {
            return "connection refused (is the upstream running?)"
        }
        if text.contains("NIOSSL") || text.contains("TLS") || text.contains("handshake") { return "TLS error: \(text)" }
        if text.contains("resolve") || text.contains("DNS") { return "the host name could not be resolved" }
        return text
    }
}

/// Where a request goes: host (brackets removed from IPv6 literals), port, and whether the
/// connection speaks TLS (`https://`).
public struct HTTP1Origin: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var tls: Bool

    public init(host: String, port: Int, tls: Bool = false) {
        self.host = host
        self.port = port
        self.tls = tls
    }

    /// The `Host` header value (port omitted when it is the scheme's default).
    package var hostHeader: String {
        let name = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        return port == (tls ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// An IP literal (no SNI name is sent for one).
    var isIPAddress: Bool {
        host.utf8.contains(UInt8(ascii: ":")) || host.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }
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
