import AnthropicWire
import GatewayCore
import MCPCore
import NIOCore
import Synchronization
import UpstreamHTTP

/// Relays a provider's Chat Completions stream event by event: each `data:` chunk is passed on
/// as the provider's bytes (parsed once, for usage, the finish reason and the completion text
/// that estimates usage when the provider reports none), keep-alive comments are passed on, the
/// usage chunk the gateway asked for is dropped when the client did not ask for it, and
/// `[DONE]` ends it. A provider error event, a malformed chunk, a stall, a cut connection or a
/// limit ends it with a `GatewayError`; the ledger records how it ended either way. An Anthropic
/// instance's Messages stream is read through `AnthropicEventReader` into the same chunks
/// (serialised anew, since they are not the provider's bytes); its `message_stop` is the end.
///
/// Read by one task at a time: the attempt reads up to the first chunk (so a failure before it
/// can still fall back), then the client's writer reads the rest. That hand-over is the only
/// transfer, which is why the class may cross tasks although the body iterator it holds may not.
final class ChatStreamRelay: ModelStreamSource, @unchecked Sendable {
    private var iterator: HTTP1ResponseBody.AsyncIterator?
    private var parser = SSEEventParser(maxEventBytes: 4 << 20)
    private var pending: [ModelStreamEvent] = []
    private var pendingIndex = 0
    private var sawFirstChunk = false
    private var finished = false
    private let draining = Atomic<Bool>(false)
    private let watchdog: StreamWatchdog
    let ledger: ModelStreamLedger
    private let clientWantsUsage: Bool
    private let started: ContinuousClock.Instant
    private let settings: ModelStreamSettings
    private let instance: String
    private var anthropic: AnthropicEventReader?

    init(
        response: HTTP1StreamingResponse, watchdog: StreamWatchdog, ledger: ModelStreamLedger, request: ModelRequest, started: ContinuousClock.Instant,
        settings: ModelStreamSettings, instance: String, anthropic: AnthropicEventReader? = nil
    ) {
        self.iterator = response.body.makeAsyncIterator()
        self.watchdog = watchdog
        self.ledger = ledger
        self.clientWantsUsage = request.clientWantsStreamUsage
        self.started = started
        self.settings = settings
        self.instance = instance
        self.anthropic = anthropic
        parser.reportsComments = true
    }

    deinit {
        watchdog.stop()
        ledger.close(.clientCancelled)
    }

    /// Reads until the first chunk has arrived (it stays queued for `next`), so a failure before
    /// it is the attempt's and the call can fall back.
    func awaitFirstChunk() async throws(AttemptFailure) {
        do {
            while !sawFirstChunk, !finished {
                try await readMore()
            }
        } catch {
            ledger.close(.upstreamFailed)
            throw firstChunkFailure(error)
        }
    }

    func next() async throws(GatewayError) -> ModelStreamEvent? {
        while true {
            if pendingIndex < pending.count {
                defer {
                    pendingIndex += 1
                    if pendingIndex == pending.count {
                        pending.removeAll(keepingCapacity: true)
                        pendingIndex = 0
                    }
                }
                return pending[pendingIndex]
            }
            if finished { return nil }
            do {
                try await readMore()
            } catch let error as RelayError {
                throw end(with: error)
            } catch {
                throw end(with: .broken)
            }
        }
    }

    /// Events ready, or the end known (so a writer can send the last events with the end marker).
    var hasBufferedEvents: Bool { pendingIndex < pending.count || finished }

    func clientLeft(drain: Bool) {
        if drain {
            draining.store(true, ordering: .relaxed)
        } else {
            finished = true
            watchdog.stop()
            iterator = nil
            ledger.close(.clientCancelled)
        }
    }

    /// Why a stream ended early.
    enum RelayError: Error {
        case providerError(JSONValue)
        case malformed(String)
        case cutWithoutDone
        case tooLarge
        case broken
    }

    private func readMore() async throws {
        guard var body = iterator else { throw RelayError.broken }
        let chunk = try await body.next()
        iterator = body
        guard let chunk else {
            // The provider closed the stream without `[DONE]`.
            throw RelayError.cutWithoutDone
        }
        watchdog.activity()
        for output in parser.feed(chunk) {
            switch output {
            case .event(let event) where anthropic != nil: try takeAnthropic(event.data)
            case .event(let event): try take(event.data)
            case .comment: if sawFirstChunk { pending.append(.keepAlive) }
            case .tooLarge: throw RelayError.malformed("an event larger than 4 MiB")
            }
            if finished { break }
        }
    }

    private func take(_ data: [UInt8]) throws {
        if data.elementsEqual("[DONE]".utf8) {
            end()
            return
        }
        let json = try parse(data)
        if let error = json["error"], !error.isNull { throw RelayError.providerError(error) }
        try take(json, raw: data)
    }

    /// One Anthropic event: the chunks it stands for, a keep-alive, the provider's error, or the end.
    private func takeAnthropic(_ data: [UInt8]) throws {
        let event = try parse(data)
        for output in anthropic?.read(event) ?? [] {
            switch output {
            case .chunk(let json): try take(json, raw: json.serializedBytes())
            case .keepAlive: if sawFirstChunk { pending.append(.keepAlive) }
            case .error(let error): throw RelayError.providerError(error)
            case .done: end()
            }
        }
    }

    /// The provider's stream is complete.
    private func end() {
        finished = true
        watchdog.stop()
        ledger.close(draining.load(ordering: .relaxed) ? .clientDrained : .completed)
    }

    private func parse(_ data: [UInt8]) throws -> JSONValue {
        do {
            return try JSONParser().parse(data)
        } catch {
            throw RelayError.malformed("a chunk that is not JSON (\(error.message))")
        }
    }

    /// One chunk in OpenAI's format: its usage, size and finish reason counted, then queued.
    private func take(_ json: JSONValue, raw data: [UInt8]) throws {
        if let usage = TokenUsage(openAI: json["usage"]) { ledger.report(usage: usage) }
        var completionBytes = 0
        var finishReason: String?
        let choices = json["choices"]?.arrayValue ?? []
        for choice in choices {
            if let delta = choice["delta"] {
                completionBytes += delta["content"]?.stringValue?.utf8.count ?? 0
                completionBytes += delta["reasoning_content"]?.stringValue?.utf8.count ?? 0
                completionBytes += delta["reasoning"]?.stringValue?.utf8.count ?? 0
                for call in delta["tool_calls"]?.arrayValue ?? [] {
                    completionBytes += call["function"]?["name"]?.stringValue?.utf8.count ?? 0
                    completionBytes += call["function"]?["arguments"]?.stringValue?.utf8.count ?? 0
                }
            }
            if let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
        }
        let passed = ledger.pass(bytes: data.count, completionBytes: completionBytes, finishReason: finishReason)
        if passed > settings.maxBytes { throw RelayError.tooLarge }
        // The usage chunk the gateway asked for on the client's behalf (`choices: []`) is not theirs.
        if choices.isEmpty, !clientWantsUsage, json["usage"].map({ !$0.isNull }) == true { return }
        if !sawFirstChunk {
            sawFirstChunk = true
            watchdog.firstEvent()
            ledger.firstToken(after: started.duration(to: .now))
        }
        pending.append(.chunk(raw: data, json: json))
    }

    /// A failure before the first chunk, as the attempt's failure.
    private func firstChunkFailure(_ error: any Error) -> AttemptFailure {
        switch watchdog.fired {
        case .noFirstEvent?: return AttemptFailure(kind: .timeout("no first token in time"), instance: instance)
        case .idle?, .tooLong?: return AttemptFailure(kind: .timeout("the stream stalled before its first token"), instance: instance)
        case nil: break
        }
        switch error {
        case RelayError.providerError(let object):
            let body = JSONValue.object(["error": object]).serializedBytes()
            return AttemptFailure(kind: .status(500, body: body, retryAfter: nil), instance: instance)
        case RelayError.malformed(let what): return AttemptFailure(kind: .invalidAnswer(what), instance: instance)
        case RelayError.tooLarge: return AttemptFailure(kind: .invalidAnswer("a stream over \(settings.maxBytes) bytes"), instance: instance)
        case let pool as HTTP1PoolError: return AttemptFailure(kind: .connect(pool.message), instance: instance)
        default: return AttemptFailure(kind: .connect("the stream broke before its first token"), instance: instance)
        }
    }

    /// Ends the stream after its first chunk: closes the ledger and says why, in the gateway's words.
    private func end(with error: RelayError) -> GatewayError {
        finished = true
        watchdog.stop()
        iterator = nil
        switch (watchdog.fired, error) {
        case (.tooLong?, _):
            ledger.close(.cut)
            return GatewayError(.timeout, "the stream from instance '\(instance)' ran past its \(settings.maxDuration) limit")
        case (.idle?, _):
            ledger.close(.upstreamFailed)
            return GatewayError(.timeout, "instance '\(instance)' stalled mid-stream")
        case (_, .tooLarge):
            ledger.close(.cut)
            return GatewayError(.upstream, "the stream from instance '\(instance)' passed its \(settings.maxBytes)-byte limit")
        case (_, .providerError(let object)):
            ledger.close(.upstreamFailed)
            var gatewayError = GatewayError(.upstream, object["message"]?.stringValue ?? "the provider failed mid-stream")
            gatewayError.providerError = object
            return gatewayError
        case (_, .malformed(let what)):
            ledger.close(.upstreamFailed)
            return GatewayError(.upstream, "instance '\(instance)' sent \(what) mid-stream")
        case (_, .cutWithoutDone), (_, .broken):
            ledger.close(.upstreamFailed)
            return GatewayError(.upstream, "instance '\(instance)' ended the stream before it was complete")
        }
    }
}
