import AnthropicWire
import GatewayCore
import Hummingbird
import NIOCore

/// Writes a model stream to a client in its wire format (`format` encodes events, the end and a
/// failure after the first byte, since the status has already been sent). Events that arrived
/// together leave together: one write, one flush, for what is ready. A client that goes away is
/// handled by the group's disconnect policy: the provider is cancelled, or read to its end
/// unsent so its usage is exact.
struct ModelStreamWriter<Format: ModelStreamFormat> {
    let stream: ModelStream
    var format: Format

    mutating func write(to writer: inout any ResponseBodyWriter) async {
        var clientGone = false
        var gathered = ByteBuffer()
        do {
            var events = stream.makeAsyncIterator()
            while let event = try await events.next() {
                if clientGone { continue }
                format.append(event, to: &gathered)
                guard gathered.readableBytes > 0, !events.hasBuffered else { continue }
                do {
                    try await writer.write(gathered)
                    gathered.clear()
                } catch {
                    clientGone = true
                    stream.clientLeft()
                    if stream.onDisconnect == .cancelUpstream { break }
                }
            }
            if !clientGone {
                format.appendEnd(to: &gathered)
                try? await writer.write(gathered)
            }
        } catch {
            if !clientGone {
                format.append(error, to: &gathered)
                try? await writer.write(gathered)
            }
        }
        try? await writer.finish(nil)
    }
}

/// How a client's wire format writes a model stream.
protocol ModelStreamFormat {
    mutating func append(_ event: ModelStreamEvent, to buffer: inout ByteBuffer)
    mutating func appendEnd(to buffer: inout ByteBuffer)
    func append(_ error: GatewayError, to buffer: inout ByteBuffer)
}

/// OpenAI's SSE: each chunk as `data: …`, keep-alive comments as they come, `data: [DONE]` at the
/// end, a failure as `data: {"error": …}` (the SDKs raise it).
struct OpenAIStreamFormat: ModelStreamFormat {
    func append(_ event: ModelStreamEvent, to buffer: inout ByteBuffer) {
        switch event {
        case .chunk(let raw, _):
            buffer.writeString("data: ")
            buffer.writeBytes(raw)
            buffer.writeString("\n\n")
        case .keepAlive:
            buffer.writeString(": keep-alive\n\n")
        }
    }

    func appendEnd(to buffer: inout ByteBuffer) {
        buffer.writeString("data: [DONE]\n\n")
    }

    func append(_ error: GatewayError, to buffer: inout ByteBuffer) {
        buffer.writeString("data: ")
        buffer.writeBytes(error.httpBody.serializedBytes())
        buffer.writeString("\n\n")
    }
}

/// Anthropic's events, translated chunk by chunk; keep-alives as `ping`; `message_delta` and
/// `message_stop` at the end; a failure as an `error` event.
struct AnthropicStreamFormat: ModelStreamFormat {
    var translator: AnthropicStreamTranslator

    mutating func append(_ event: ModelStreamEvent, to buffer: inout ByteBuffer) {
        switch event {
        case .chunk(_, let json):
            var translated = translator.translate(json)
            buffer.writeBuffer(&translated)
        case .keepAlive:
            buffer.writeString("event: ping\ndata: {\"type\": \"ping\"}\n\n")
        }
    }

    mutating func appendEnd(to buffer: inout ByteBuffer) {
        var end = translator.finish()
        buffer.writeBuffer(&end)
    }

    func append(_ error: GatewayError, to buffer: inout ByteBuffer) {
        var event = AnthropicStreamTranslator.error(error)
        buffer.writeBuffer(&event)
    }
}
