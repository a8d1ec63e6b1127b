import AnthropicWire
import GatewayCore
import HTTPTypes
import Hummingbird
import MCPCore
import NIOCore

extension ModelRoutes {
    /// `POST /v1/messages`: an Anthropic Messages request, translated to the chat call every model
    /// group serves, through the same chain and provider layer, and the answer translated back
    /// (whole, or event by event). Errors come in Anthropic's envelope.
    func messages(_ request: Request) async -> Response {
        let received = ContinuousClock.now
        let model: String
        let answer: ModelResponse
        do throws(GatewayError) {
            let body = try await Self.anthropicBody(request, limit: maxBodyBytes)
            model = body["model"]?.stringValue ?? ""
            guard body["max_tokens"]?.intValue != nil else { throw GatewayError(.invalidRequest, "max_tokens: Field required", param: "max_tokens") }
            let chat = try AnthropicInbound.chatBody(body)
            let checked = try OpenAIRequestCheck.check(parsed: .object(chat), operation: .chatCompletions)
            answer = try await call(checked, request: request, received: received)
        } catch {
            return Self.anthropicError(error)
        }
        var headers = Self.answerHeaders(answer, received: received)
        switch answer.body {
        case .complete(_, let chat, _):
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: AnthropicOutbound.message(chat, model: model).serializedBytes())))
        case .stream(let stream):
            headers[.contentType] = "text/event-stream; charset=utf-8"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                var streamWriter = ModelStreamWriter(stream: stream, format: AnthropicStreamFormat(translator: AnthropicStreamTranslator(model: model)))
                await streamWriter.write(to: &writer)
            })
        }
    }

    /// `POST /v1/messages/count_tokens`: the gateway's estimate of the prompt (system, messages,
    /// tools), `{"input_tokens": N}`. Checked like a message request; nothing goes upstream.
    func countTokens(_ request: Request) async -> Response {
        do throws(GatewayError) {
            var body = try await Self.anthropicBody(request, limit: maxBodyBytes)
            body["stream"] = nil
            let chat = try AnthropicInbound.chatBody(body)
            guard provider.group(named: chat["model"]?.stringValue ?? "") != nil else {
                throw GatewayError(.modelNotFound, "model: \(chat["model"]?.stringValue ?? "")", param: "model")
            }
            var bytes = ModelRequest(operation: .chatCompletions, model: "", body: chat).texts.reduce(0) { $0 + $1.utf8.count }
            bytes += (chat["tools"].map { $0.serializedBytes().count } ?? 0)
            let tokens = TokenEstimate.tokens(inBytes: bytes) + 3 * ((chat["messages"]?.arrayValue?.count ?? 0) + 1)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONValue.object(["input_tokens": .int(Int64(tokens))]).serializedBytes())))
        } catch {
            return Self.anthropicError(error)
        }
    }

    static func anthropicBody(_ request: Request, limit: Int) async throws(GatewayError) -> JSONObject {
        try OpenAIRequestCheck.object(try await readBody(request, limit: limit))
    }

    static func anthropicError(_ error: GatewayError) -> Response {
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in error.httpHeaders {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: error.anthropicStatus), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: error.anthropicBody.serializedBytes()))
        )
    }
}
