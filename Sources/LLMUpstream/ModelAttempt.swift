import AnthropicWire
import Foundation
import GatewayCore
import MCPCore
import NIOCore
import NIOHTTP1
import UpstreamHTTP

/// One upstream request of a model call, on one instance: the provider's body and headers (its
/// key, never the caller's), sent through the shared pool, answered whole or as a stream that has
/// delivered its first chunk.
struct ModelAttempt: Sendable {
    let instance: ModelInstance
    let group: ModelGroupSettings
    let request: ModelRequest
    let pool: HTTP1ConnectionPool
    /// The call's trace context (`traceparent`), when tracing is on.
    var traceHeaders: [(name: String, value: String)] = []

    enum Answer: Sendable {
        case complete([UInt8], json: JSONValue, usage: TokenUsage?)
        case stream(ChatStreamRelay)
    }

    func run() async throws(AttemptFailure) -> Answer {
        let started = ContinuousClock.now
        guard let (origin, target) = instance.target(for: request.operation) else { throw failure(.invalidAnswer("base_url is not an http or https URL")) }
        let (headers, body) = upstreamRequest()
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target, headers: headers)
        let timeout = TimeAmount(group.timeout)
        if !request.stream {
            let response: HTTP1Response
            do {
                response = try await pool.execute(head, body: body, origin: origin, deadline: .now() + timeout, maxBytes: group.stream.maxResponseBytes)
            } catch let error as HTTP1PoolError {
                throw AttemptFailure.from(error, instance: instance.name)
            } catch let error as AttemptFailure {
                throw error
            } catch {
                throw failure(.connect("\(error)"))
            }
            guard response.head.status.code == 200 else {
                throw failure(.status(Int(response.head.status.code), body: response.body, retryAfter: Self.retryAfter(response.head.headers)))
            }
            if response.truncated { throw failure(.invalidAnswer("an answer over \(group.stream.maxResponseBytes) bytes")) }
            guard let json = try? JSONParser().parse(response.body), json.objectValue != nil else {
                throw failure(.invalidAnswer("a body that is not a JSON object"))
            }
            if let error = json["error"], !error.isNull {
                throw failure(.status(500, body: response.body, retryAfter: nil))
            }
            if instance.dialect.wire == .anthropicMessages {
                guard json["type"]?.stringValue == "message" else { throw failure(.invalidAnswer("an answer that is not an Anthropic message")) }
                let chat = AnthropicProviderAnswer.chatCompletion(json)
                return .complete(chat.serializedBytes(), json: chat, usage: TokenUsage(openAI: chat["usage"]))
            }
            // DeepSeek sends blank lines while a request waits; the client gets the JSON alone.
            let start = response.body.firstIndex { ![0x20, 0x0A, 0x0D, 0x09].contains($0) } ?? 0
            return .complete(start == 0 ? response.body : Array(response.body[start...]), json: json, usage: TokenUsage(openAI: json["usage"]))
        }
        let headDeadline = NIODeadline.now() + TimeAmount(min(group.timeout, group.ttftTimeout ?? group.timeout))
        let response: HTTP1StreamingResponse
        do {
            response = try await pool.stream(head, body: body, origin: origin, deadline: headDeadline)
        } catch let error as HTTP1PoolError {
            if error.code == .timedOut, group.ttftTimeout != nil { throw failure(.timeout("no answer before the first-token deadline")) }
            throw AttemptFailure.from(error, instance: instance.name)
        } catch {
            throw failure(.connect("\(error)"))
        }
        let startedAt = NIODeadline.now() - TimeAmount(started.duration(to: .now))
        let watchdog = StreamWatchdog(
            watching: response, firstEventBy: group.ttftTimeout.map { startedAt + TimeAmount($0) }, idle: timeout,
            endBy: startedAt + TimeAmount(group.stream.maxDuration)
        )
        guard response.status.code == 200 else {
            let body = (try? await response.body.collect(upTo: 64 << 10)) ?? []
            watchdog.stop()
            throw failure(.status(Int(response.status.code), body: body, retryAfter: Self.retryAfter(response.headers)))
        }
        guard response.headers.first(name: "content-type")?.lowercased().hasPrefix("text/event-stream") == true else {
            watchdog.stop()
            throw failure(.invalidAnswer("a stream answered as \(response.headers.first(name: "content-type") ?? "no content type")"))
        }
        let relay = ChatStreamRelay(
            response: response, watchdog: watchdog, ledger: ModelStreamLedger(estimatedPromptTokens: request.estimatedPromptTokens),
            request: request, started: started, settings: group.stream, instance: instance.name,
            anthropic: instance.dialect.wire == .anthropicMessages ? AnthropicEventReader() : nil
        )
        try await relay.awaitFirstChunk()
        return .stream(relay)
    }

    /// The provider's request headers (its key, never the caller's) and body.
    private func upstreamRequest() -> (HTTPHeaders, ByteBuffer) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Accept", value: request.stream ? "text/event-stream" : "application/json")
        headers.add(name: "User-Agent", value: "toolgate/\(GatewayVersion.current)")
        instance.dialect.addCredentials(instance.settings, to: &headers)
        for header in traceHeaders { headers.replaceOrAdd(name: header.name, value: header.value) }
        let body = JSONValue.object(instance.dialect.upstreamBody(for: request, model: instance.settings.model)).serializedBytes()
        return (headers, ByteBuffer(bytes: body))
    }

    private func failure(_ kind: AttemptFailure.Kind) -> AttemptFailure {
        AttemptFailure(kind: kind, instance: instance.name)
    }

    /// `Retry-After` in seconds (a date is read as "soon").
    static func retryAfter(_ headers: HTTPHeaders) -> Int? {
        guard let value = headers.first(name: "retry-after") else { return nil }
        if let seconds = Int(value.trimmingCharacters(in: .whitespaces)) { return max(0, seconds) }
        if let seconds = Double(value.trimmingCharacters(in: .whitespaces)) { return max(0, Int(seconds.rounded(.up))) }
        return 1
    }
}
