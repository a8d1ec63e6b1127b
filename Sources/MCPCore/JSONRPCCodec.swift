/// Decodes JSON-RPC 2.0 messages from bytes or JSON values, classifying every failure with the
/// exact error code (-32700 for bad JSON, -32600 for a valid JSON value that is not a message).
public struct JSONRPCCodec: Sendable {
    public var parser: JSONParser

    public init(parser: JSONParser = JSONParser()) {
        self.parser = parser
    }

    /// Parses one received text; a parse failure becomes a single -32700 error with a null id.
    public func decode(_ bytes: some Collection<UInt8>) -> JSONRPCIncoming {
        let value: JSONValue
        do {
            value = try parser.parse(bytes)
        } catch {
            return .single(.failure(JSONRPCDecodeFailure(id: nil, error: .parseError("Parse error: \(error.description)"))))
        }
        return decode(value)
    }

    /// Classifies a parsed JSON value as a message or a batch.
    public func decode(_ value: JSONValue) -> JSONRPCIncoming {
        if case .array(let elements) = value {
            return .batch(elements.map(decodeMessage))
        }
        return .single(decodeMessage(value))
    }

    /// Decodes one message object.
    public func decodeMessage(_ value: JSONValue) -> Result<JSONRPCMessage, JSONRPCDecodeFailure> {
        guard case .object(let object) = value else {
            return .failure(.init(id: nil, error: .invalidRequest("Invalid Request: a JSON-RPC message must be an object")))
        }
        var id: JSONRPCID?
        if let rawID = object["id"], !rawID.isNull {
            guard let parsed = JSONRPCID(rawID) else {
                return .failure(.init(id: nil, error: .invalidRequest("Invalid Request: 'id' must be a string or an integer")))
            }
            id = parsed
        }
        guard object["jsonrpc"] == .string("2.0") else {
            return .failure(.init(id: id, error: .invalidRequest("Invalid Request: 'jsonrpc' must be \"2.0\"")))
        }
        let params = object["params"]
        if let params, params.objectValue == nil, params.arrayValue == nil {
            return .failure(.init(id: id, error: .invalidRequest("Invalid Request: 'params' must be an object or an array")))
        }
        if let methodValue = object["method"] {
            guard let method = methodValue.stringValue else {
                return .failure(.init(id: id, error: .invalidRequest("Invalid Request: 'method' must be a string")))
            }
            if object["id"] == nil {
                return .success(.notification(method: method, params: params))
            }
            guard let id else {
                return .failure(.init(id: nil, error: .invalidRequest("Invalid Request: 'id' must not be null")))
            }
            return .success(.request(id: id, method: method, params: params))
        }
        if let result = object["result"] {
            guard let id else { return .failure(.init(id: nil, error: .invalidRequest("Invalid Request: a response needs an id"))) }
            return .success(.result(id: id, result: result))
        }
        if let errorValue = object["error"] {
            guard let code = errorValue["code"]?.intValue, let message = errorValue["message"]?.stringValue else {
                return .failure(.init(id: id, error: .invalidRequest("Invalid Request: 'error' needs an integer 'code' and a string 'message'")))
            }
            return .success(.error(id: id, error: JSONRPCError(code: .init(rawValue: Int(code)), message: message, data: errorValue["data"])))
        }
        return .failure(.init(id: id, error: .invalidRequest("Invalid Request: no 'method', 'result' or 'error' member")))
    }
}
