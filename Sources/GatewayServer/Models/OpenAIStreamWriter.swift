import GatewayCore
import Hummingbird
import MCPCore
import NIOCore

/// Writes a model stream to an OpenAI-format client as SSE: each chunk as `data: …`, keep-alive
/// comments as they come, `data: [DONE]` at the end; a failure after the first byte as a
/// `data: {"error": …}` event (the SDKs raise it), since the status has already been sent. A
/// client that goes away is handled by the group's disconnect policy: the provider is cancelled,
/// or read to its end unsent so its usage is exact.
struct OpenAIStreamWriter {
    let stream: ModelStream

    func write(to writer: inout any ResponseBodyWriter) async {
        var clientGone = false
        do {
            for try await event in stream {
                if clientGone { continue }
                do {
                    try await writer.write(Self.encode(event))
                } catch {
                    clientGone = true
                    stream.clientLeft()
                    if stream.onDisconnect == .cancelUpstream { break }
                }
            }
            if !clientGone { try? await writer.write(ByteBuffer(string: "data: [DONE]\n\n")) }
        } catch {
            if !clientGone {
                let event = Array("data: ".utf8) + error.httpBody.serializedBytes() + Array("\n\n".utf8)
                try? await writer.write(ByteBuffer(bytes: event))
            }
        }
        try? await writer.finish(nil)
    }

    static func encode(_ event: ModelStreamEvent) -> ByteBuffer {
        switch event {
        case .chunk(let raw, _):
            var buffer = ByteBuffer()
            buffer.reserveCapacity(raw.count + 8)
            buffer.writeString("data: ")
            buffer.writeBytes(raw)
            buffer.writeString("\n\n")
            return buffer
        case .keepAlive:
            return ByteBuffer(string: ": keep-alive\n\n")
        }
    }
}
