import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Writes a response body straight to a channel. A body of known length is written without
/// flushing and flushed once with its end (one system call for a small answer). A streamed body
/// (and its head) is flushed once the writing task lets the event loop run: what is written in
/// one go — the head and the events that arrived together, or a stream's last events and its
/// end — leaves in one system call, and an event followed by a wait leaves at once. A write is
/// awaited only when the socket is full (so a slow client holds the writer back); a write to a
/// connection that has closed throws.
struct ChannelResponseBodyWriter: ResponseBodyWriter {
    let channel: any Channel
    let streaming: Bool

    mutating func write(_ buffer: ByteBuffer) async throws {
        let part = HTTPServerResponsePart.body(.byteBuffer(buffer))
        guard streaming else {
            channel.write(part, promise: nil)
            return
        }
        guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
        if channel.isWritable {
            channel.write(part, promise: nil)
            Self.flushSoon(channel)
        } else {
            try await channel.writeAndFlush(part).get()
        }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        if streaming {
            try await channel.writeAndFlush(HTTPServerResponsePart.end(trailingHeaders.map { HTTPHeaders($0) })).get()
        } else {
            channel.writeAndFlush(HTTPServerResponsePart.end(trailingHeaders.map { HTTPHeaders($0) }), promise: nil)
        }
    }

    /// Flushes `channel` when its event loop next runs a task: after the current task has
    /// written all it had ready, or at once for a task on another thread.
    static func flushSoon(_ channel: any Channel) {
        channel.eventLoop.execute { channel.flush() }
    }
}
