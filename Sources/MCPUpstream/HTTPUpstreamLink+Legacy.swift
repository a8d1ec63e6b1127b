import Foundation
import GatewayCore
import MCPCore
import NIOCore
import UpstreamHTTP

/// The legacy HTTP+SSE transport (2024-11-05): a GET opens the event stream, whose first
/// `endpoint` event names the URL to POST messages to; every answer arrives on the stream.
extension HTTPUpstreamLink {
    /// Opens the event stream and waits for its `endpoint` event; the stream is then read until it
    /// ends, which ends the link. The message URL must share the server's origin.
    @discardableResult
    func openLegacy() async throws(GatewayError) -> URL {
        var request = request(method: .GET)
        request.headers.replaceOrAdd(name: "accept", value: "text/event-stream")
        let response: HTTP1StreamingResponse
        do {
            response = try await pool.stream(request, deadline: .distantFuture)
        } catch {
            throw GatewayError(.upstream, "the SSE stream of \(endpoint.redacted) cannot be opened: \(error)")
        }
        guard response.status == .ok, response.headers.first(name: "content-type")?.lowercased().hasPrefix("text/event-stream") == true else {
            await response.body.drain()
            throw GatewayError(.upstream, "GET \(endpoint.redacted) answered HTTP \(response.status.code) without an event stream")
        }
        let (announced, announce) = AsyncStream.makeStream(of: Result<URL, GatewayError>.self)
        let stream = CancelScope()
        state.withLock { $0.streams.append(stream) }
        owner.start { await stream.run {
            do {
                var announcedOnce = false
                try await self.events(of: response.body) { event in
                    guard event.event == "endpoint", !announcedOnce else { return }
                    announcedOnce = true
                    let text = String(decoding: event.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    if let url = URL(string: text, relativeTo: self.endpoint.url)?.absoluteURL, self.endpoint.sameOrigin(url) {
                        announce.yield(.success(url))
                    } else {
                        announce.yield(.failure(GatewayError(.upstream, "the SSE server named a message endpoint outside its own origin; refused")))
                    }
                    announce.finish()
                }
            } catch {
                self.logger.debug("remote MCP event stream failed", metadata: ["error": "\(error)"])
            }
            announce.finish()
            self.close("the SSE stream ended")
        } }
        for await result in announced {
            switch result {
            case .success(let url):
                state.withLock { $0.mode = .legacy(messages: url) }
                logger.info("connected to a legacy SSE MCP server", metadata: ["url": "\(endpoint.redacted)"])
                return url
            case .failure(let error):
                stream.cancel()
                throw error
            }
        }
        stream.cancel()
        throw GatewayError(.upstream, "the SSE stream of \(endpoint.redacted) ended before it named its message endpoint")
    }

    /// POSTs one message to the legacy message endpoint; its answer arrives on the event stream.
    func postLegacy(_ message: JSONValue, to url: URL) async -> Bool {
        let id = message["id"]?.intValue
        var request = request(method: .POST, url: url)
        request.headers.replaceOrAdd(name: "content-type", value: "application/json")
        request.body = ByteBuffer(bytes: message.serializedBytes())
        do {
            let response = try await pool.stream(request, deadline: .now() + TimeAmount(requestTimeout))
            let body = try await response.body.collect(upTo: 64 << 10)
            guard (200..<300).contains(response.status.code) else {
                return await failed(id, "the remote MCP server answered HTTP \(response.status.code): \(String(decoding: body.prefix(300), as: UTF8.self))")
            }
            return true
        } catch {
            return await failed(id, "the remote MCP server \(endpoint.redacted) cannot be reached: \(error)")
        }
    }
}
