import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import MCPCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import NIOSSL

/// Toolgate's HTTP/1.1 connections for a Hummingbird application: the same router, request and
/// response types, but each connection's pipeline hands whole requests (body collected, at most
/// `maxBodyBytes + 1` bytes kept so a route can still answer 413) to one task per connection that
/// runs the router and writes the answer straight to the channel. Hummingbird's own connection
/// wraps the channel in async sequences both ways; without them requests are served faster
/// (BENCHMARKS.md has the figures). NIO's pipelining handler keeps answers in request
/// order and closes a connection gracefully when the server shuts down (after the answer in
/// progress).
public struct DirectHTTP1Channel<Responder: HTTPResponder>: ServerChildChannel where Responder.Context == BasicRequestContext {
    /// One accepted connection and the requests read from it, in order.
    public struct Connection: ServerChildChannelValue {
        public let channel: any Channel
        let requests: DirectHTTP1Requests
        let client: ClientConnection
    }

    let responder: Responder
    let maxBodyBytes: Int
    let serverName: String?
    let dates: HTTPDateCache
    let limits: ConnectionLimits
    /// Set when the listener serves https: each connection starts with the TLS handshake.
    let tls: NIOSSLContext?
    let count = ConnectionCount()

    /// A server builder for `Application(router:server:)` that serves `responder` (build it from
    /// the same router) over direct connections, within `limits`.
    public static func builder(
        responder: Responder, maxBodyBytes: Int, serverName: String?, limits: ConnectionLimits = ConnectionLimits(), tls: NIOSSLContext? = nil
    ) -> HTTPServerBuilder {
        let channel = DirectHTTP1Channel(
            responder: responder, maxBodyBytes: maxBodyBytes, serverName: serverName, dates: HTTPDateCache(), limits: limits, tls: tls
        )
        return HTTPServerBuilder { _ in channel }
    }

    /// The TLS context of an https listener from PEM files (a certificate chain, its private key).
    public static func tlsContext(certificate: String, key: String) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
        let privateKey = NIOSSLPrivateKeySource.privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: privateKey)
        configuration.applicationProtocols = ["http/1.1"]
        return try NIOSSLContext(configuration: configuration)
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection> {
        guard count.admit(max: limits.maxConnections) else {
            logger.warning("connection refused: the listener holds its maximum", metadata: ["max_connections": "\(limits.maxConnections)"])
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
        }
        let count = self.count
        channel.closeFuture.whenComplete { _ in count.leave() }
        return channel.eventLoop.makeCompletedFuture {
            // Outbound header validation is off as in Hummingbird's own connections: HTTPTypes
            // already validated every field (the second check's cost: BENCHMARKS.md).
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: true, withServerUpgrade: nil, withErrorHandling: true, withOutboundHeaderValidation: false
            )
            // Slow clients: before the pipelining handler, so a 408 for a head that never came
            // goes straight to the encoder.
            let slow = SlowClientGuard(limits: limits)
            let pipelining = try channel.pipeline.syncOperations.handler(type: HTTPServerPipelineHandler.self)
            try channel.pipeline.syncOperations.addHandler(slow, position: .before(pipelining))
            try channel.pipeline.syncOperations.addHandler(SlowClientGuard.ByteWatch(slow), position: .first)
            // https: the handshake comes before everything (a client that never finishes it is
            // idle as far as the guard is concerned, and closed after the idle timeout).
            if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first) }
            let requests = DirectHTTP1Requests()
            let client = ClientConnection()
            let keep = maxBodyBytes == .max ? .max : maxBodyBytes + 1
            try channel.pipeline.syncOperations.addHandler(DirectHTTP1RequestReader(keepBodyBytes: keep, requests: requests, client: client))
            return Connection(channel: channel, requests: requests, client: client)
        }
    }

    /// Answers the connection's requests one after the other until it closes (or a request or
    /// answer says `Connection: close`). Cancelling the task closes the connection.
    ///
    /// The requests are served in a `CancelScope`, so a request may have the task it runs in
    /// cancelled (an MCP `notifications/cancelled` for a call answered as JSON, the client's close
    /// under a stateless request), without a task of its own: that task still answers the
    /// cancelled request, ends, and the next request is served in a new scope. Until then one
    /// task serves them all, with no task switch per request.
    public func handle(value: Connection, logger: Logger) async {
        let channel = value.channel
        await withTaskCancellationHandler {
            while !Task.isCancelled {
                let outcome = await CancelScope().run { await serve(value, logger: logger) }
                if outcome == .closed { break }
            }
            channel.close(promise: nil)
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// How a serving task ended: the connection is done, or a request cancelled the task.
    enum Outcome: Sendable { case closed, cancelled }

    private func serve(_ connection: Connection, logger: Logger) async -> Outcome {
        let channel = connection.channel
        while let request = await connection.requests.next() {
            var response: Response
            do {
                response = try await ClientConnection.$current.withValue(connection.client) {
                    try await responder.respond(to: request, context: BasicRequestContext(source: .init(channel: channel, logger: logger)))
                }
            } catch {
                logger.debug("unanswered request", metadata: ["error": "\(error)"])
                response = Response(status: .internalServerError)
            }
            response.headers[.date] = dates.current
            if let serverName { response.headers[.server] = serverName }
            let close = request.headers.value(.connection)?.lowercased() == "close" || response.headers.value(.connection)?.lowercased() == "close"
            do {
                try await Self.write(response, to: channel)
            } catch {
                logger.trace("answer not written", metadata: ["error": "\(error)"])
                return .closed
            }
            if close { return .closed }
            if Task.isCancelled { return .cancelled }
        }
        return .closed
    }

    /// Writes the head and the body: a body of known length goes out with one flush at its end; a
    /// stream (SSE) is flushed whenever the writing task lets the event loop run, so its head
    /// leaves with the events ready now (or alone, before the stream waits for its first) and
    /// later events that arrive together leave together (`ChannelResponseBodyWriter`).
    static func write(_ response: Response, to channel: any Channel) async throws {
        let streaming = response.body.contentLength == nil
        channel.write(HTTPServerResponsePart.head(HTTPResponseHead(response.head)), promise: nil)
        if streaming { ChannelResponseBodyWriter.flushSoon(channel) }
        try await response.body.write(ChannelResponseBodyWriter(channel: channel, streaming: streaming))
    }
}
