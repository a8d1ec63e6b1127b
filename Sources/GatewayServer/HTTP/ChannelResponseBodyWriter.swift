import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Writes a response body straight to a channel. A body of known length is written without
/// flushing and flushed once with its end (one system call for a small answer); a streamed body
/// is flushed at every write, and the write is awaited only when the socket is full (so a slow
/// client holds the writer back) — a write to a connection that has closed throws.
struct ChannelResponseBodyWriter: ResponseBodyWriter {
    let channel: any Channel
    let streaming: Bool

    mutating func write(_ buffer: ByteBuffer) async throws {
        if streaming {
            guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
            let part = HTTPServerResponsePart.body(.byteBuffer(buffer))
            if channel.isWritable {
                channel.writeAndFlush(part, promise: nil)
            } else {
                try await channel.writeAndFlush(part).get()
            }
        } else {
            channel.write(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
        }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        if streaming {
            try await channel.writeAndFlush(HTTPServerResponsePart.end(trailingHeaders.map { HTTPHeaders($0) })).get()
        } else {
            channel.writeAndFlush(HTTPServerResponsePart.end(trailingHeaders.map { HTTPHeaders($0) }), promise: nil)
        }
    }
}
