import NIOCore
import NIOHTTP1

/// An answer whose body is read as it arrives (an SSE stream, a large download).
public struct HTTP1StreamingResponse: Sendable {
    public var head: HTTPResponseHead
    /// The body, chunk by chunk. Read it to the end (the connection then goes back to the pool)
    /// or drop it / cancel the reading task (the connection is then closed).
    public var body: HTTP1ResponseBody
}

/// A pooled connection's response body as an async sequence of chunks, with backpressure: while
/// the reader is behind by more than a few chunks the connection stops reading from the socket,
/// so a slow consumer holds the upstream back instead of filling memory.
public struct HTTP1ResponseBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    typealias Producer = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, HTTP1ResponseBody.Delegate
    >
    typealias Source = Producer.Source

    let producer: Producer
    /// The connection the body arrives on (closed by a `StreamWatchdog` that fires).
    let channel: any Channel

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Producer.AsyncIterator

        public mutating func next() async throws -> ByteBuffer? {
            try await base.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: producer.makeAsyncIterator())
    }

    /// Reads the whole rest of the body (at most `maxBytes`; beyond that it throws).
    public func collect(upTo maxBytes: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in self {
            guard bytes.count + chunk.readableBytes <= maxBytes else {
                throw HTTP1PoolError(.invalidResponse, "the answer is larger than \(maxBytes) bytes", answerStarted: true)
            }
            bytes += chunk.readableBytesView
        }
        return bytes
    }

    /// Reads and drops a body nobody uses, so its connection can carry the next request (one
    /// over 64 KiB is dropped unread and its connection closed instead).
    public func drain() async {
        _ = try? await collect(upTo: 64 << 10)
    }

    /// A body fed by the connection's handler; `channel` is told when the reader wants more or
    /// has gone.
    static func make(channel: any Channel, exchange: UInt64) -> (HTTP1ResponseBody, Source) {
        let made = Producer.makeSequence(
            backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8), finishOnDeinit: false,
            delegate: Delegate(channel: channel, exchange: exchange)
        )
        return (HTTP1ResponseBody(producer: made.sequence, channel: channel), made.source)
    }

    /// Passes the reader's demand to the connection's handler, on its event loop; `exchange`
    /// tells the handler which answer it is about (the connection may carry another by then).
    struct Delegate: NIOAsyncSequenceProducerDelegate {
        let channel: any Channel
        let exchange: UInt64

        func produceMore() {
            channel.triggerUserOutboundEvent(HTTP1ExchangeHandler.ReadMore(exchange: exchange), promise: nil)
        }

        func didTerminate() {
            channel.triggerUserOutboundEvent(HTTP1ExchangeHandler.ReaderGone(exchange: exchange), promise: nil)
        }
    }
}
