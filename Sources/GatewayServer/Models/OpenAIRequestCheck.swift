import GatewayCore
import MCPCore

/// The checks a model call's body passes before anything is sent: valid JSON, an object, the
/// fields the gateway and every provider need, each refusal naming its field (OpenAI's `param`).
/// Everything else is the provider's to judge and passes through untouched.
enum OpenAIRequestCheck {
    static func check(_ bytes: [UInt8], operation: ModelRequest.Operation) throws(GatewayError) -> ModelRequest {
        try check(parsed: .object(object(bytes)), operation: operation)
    }

    /// A body that must be a JSON object (both wire formats).
    static func object(_ bytes: [UInt8]) throws(GatewayError) -> JSONObject {
        let parsed: JSONValue
        do {
            parsed = try JSONParser().parse(bytes)
        } catch {
            throw GatewayError(.invalidRequest, "the body is not valid JSON: \(error.description)")
        }
        guard let body = parsed.objectValue else { throw GatewayError(.invalidRequest, "the body must be a JSON object, found \(parsed.typeName)") }
        return body
    }

    /// The same checks on a body already parsed (a translated Anthropic request).
    static func check(parsed: JSONValue, operation: ModelRequest.Operation) throws(GatewayError) -> ModelRequest {
        guard let body = parsed.objectValue else { throw GatewayError(.invalidRequest, "the body must be a JSON object, found \(parsed.typeName)") }
        guard let modelValue = body["model"] else { throw GatewayError(.invalidRequest, "'model' is required: name a model (GET /v1/models lists them)", param: "model") }
        guard let model = modelValue.stringValue, !model.isEmpty else {
            throw GatewayError(.invalidRequest, "'model' must be a non-empty string, found \(modelValue.typeName)", param: "model")
        }
        switch operation {
        case .chatCompletions: try checkChat(body)
        case .embeddings: try checkEmbeddings(body)
        }
        return ModelRequest(operation: operation, model: model, body: body)
    }

    static func checkChat(_ body: JSONObject) throws(GatewayError) {
        guard let messagesValue = body["messages"] else { throw GatewayError(.invalidRequest, "'messages' is required", param: "messages") }
        guard let messages = messagesValue.arrayValue else {
            throw GatewayError(.invalidRequest, "'messages' must be an array, found \(messagesValue.typeName)", param: "messages")
        }
        guard !messages.isEmpty else { throw GatewayError(.invalidRequest, "'messages' must hold at least one message", param: "messages") }
        for (index, message) in messages.enumerated() {
            guard message.objectValue != nil else {
                throw GatewayError(.invalidRequest, "messages[\(index)] must be an object, found \(message.typeName)", param: "messages[\(index)]")
            }
            guard let role = message["role"]?.stringValue, !role.isEmpty else {
                throw GatewayError(.invalidRequest, "messages[\(index)].role is required (system, user, assistant, tool...)", param: "messages[\(index)].role")
            }
        }
        if let stream = body["stream"], stream.boolValue == nil, !stream.isNull {
            throw GatewayError(.invalidRequest, "'stream' must be a boolean, found \(stream.typeName)", param: "stream")
        }
        if let options = body["stream_options"], !options.isNull, body["stream"]?.boolValue != true {
            throw GatewayError(.invalidRequest, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", param: "stream_options")
        }
        for field in ["max_tokens", "max_completion_tokens"] {
            if let value = body[field], !value.isNull, (value.intValue ?? -1) < 1 {
                throw GatewayError(.invalidRequest, "'\(field)' must be a positive integer", param: field)
            }
        }
    }

    static func checkEmbeddings(_ body: JSONObject) throws(GatewayError) {
        guard let input = body["input"] else { throw GatewayError(.invalidRequest, "'input' is required", param: "input") }
        switch input {
        case .string: return
        case .array(let items) where !items.isEmpty: return
        case .array: throw GatewayError(.invalidRequest, "'input' must not be empty", param: "input")
        default: throw GatewayError(.invalidRequest, "'input' must be a string or an array, found \(input.typeName)", param: "input")
        }
    }
}
