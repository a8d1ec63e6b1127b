import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Writes a response body straight to a channel. A body of known length is written without
/// flushing and flushed once with its end (one system call for a small answer); a streamed body
/// is flushed and awaited at every write.
struct ChannelResponseBodyWriter: ResponseBodyWriter {
    let channel: any Channel
    let streaming: Bool

    mutating func write(_ buffer: ByteBuffer) async throws {
        if streaming {
            try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer))).get()
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
