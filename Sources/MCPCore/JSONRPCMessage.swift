/// One JSON-RPC 2.0 message: a request, a notification, or a response (result or error).
public enum JSONRPCMessage: Sendable, Hashable {
    case request(id: JSONRPCID, method: String, params: JSONValue?)
    case notification(method: String, params: JSONValue?)
    case result(id: JSONRPCID, result: JSONValue)
    /// An error response; `id` is nil when the request's id could not be read.
    case error(id: JSONRPCID?, error: JSONRPCError)

    /// The message as a JSON value.
    public var jsonValue: JSONValue {
        var object: JSONObject = ["jsonrpc": "2.0"]
        switch self {
        case .request(let id, let method, let params):
            object["id"] = id.jsonValue
            object["method"] = .string(method)
            if let params { object["params"] = params }
        case .notification(let method, let params):
            object["method"] = .string(method)
            if let params { object["params"] = params }
        case .result(let id, let result):
            object["id"] = id.jsonValue
            object["result"] = result
        case .error(let id, let error):
            object["id"] = id?.jsonValue ?? .null
            object["error"] = error.jsonValue
        }
        return .object(object)
    }

    /// Compact wire text (one line).
    public func serialized() -> String { jsonValue.serialized() }

    /// The method of a request or notification.
    public var method: String? {
        switch self {
        case .request(_, let method, _), .notification(let method, _): return method
        default: return nil
        }
    }
}

/// What one received JSON text holds: one message or a batch; entries that are not valid messages
/// carry the error to answer with.
public enum JSONRPCIncoming: Sendable {
    case single(Result<JSONRPCMessage, JSONRPCDecodeFailure>)
    case batch([Result<JSONRPCMessage, JSONRPCDecodeFailure>])
}

/// A JSON value that is not a valid JSON-RPC message, with the id to answer to when one was readable.
public struct JSONRPCDecodeFailure: Error, Sendable, Hashable {
    public var id: JSONRPCID?
    public var error: JSONRPCError

    public init(id: JSONRPCID?, error: JSONRPCError) {
        self.id = id
        self.error = error
    }

    /// The error response to send back.
    public var response: JSONRPCMessage { .error(id: id, error: error) }
}
