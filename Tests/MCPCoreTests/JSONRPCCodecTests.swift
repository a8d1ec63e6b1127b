import MCPCore
import Testing

@Suite("JSON-RPC codec")
struct JSONRPCCodecTests {
    let codec = JSONRPCCodec()

    func single(_ text: String) -> Result<JSONRPCMessage, JSONRPCDecodeFailure> {
        guard case .single(let result) = codec.decode(Array(text.utf8)) else {
            Issue.record("expected a single message")
            return .failure(.init(id: nil, error: .internalError("")))
        }
        return result
    }

    @Test("classifies requests, notifications and responses, keeping id types")
    func classify() throws {
        #expect(try single(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#).get() == .request(id: .int(1), method: "ping", params: nil))
        #expect(try single(#"{"jsonrpc":"2.0","id":"1","method":"ping"}"#).get() == .request(id: .string("1"), method: "ping", params: nil))
        #expect(try single(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).get() == .notification(method: "notifications/initialized", params: nil))
        #expect(try single(#"{"jsonrpc":"2.0","id":7,"result":{}}"#).get() == .result(id: .int(7), result: .object([:])))
        let error = try single(#"{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"nope"}}"#).get()
        #expect(error == .error(id: .int(7), error: JSONRPCError(code: .methodNotFound, message: "nope")))
    }

    @Test(
        "answers invalid messages with -32600 and the id when it is readable",
        arguments: [
            (#"{"jsonrpc":"1.0","id":3,"method":"ping"}"#, JSONRPCID.int(3) as JSONRPCID?),
            (#"{"jsonrpc":"2.0","id":"a","method":5}"#, .string("a")),
            (#"{"jsonrpc":"2.0","id":4}"#, .int(4)),
            (#"{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}"#, nil),
            (#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, nil),
            (#"{"jsonrpc":"2.0","id":5,"method":"ping","params":"x"}"#, .int(5)),
            (#"[1]"#, nil),
            (#""text""#, nil),
        ]
    )
    func invalidRequest(text: String, id: JSONRPCID?) {
        switch codec.decode(Array(text.utf8)) {
        case .single(.failure(let failure)):
            #expect(failure.error.code == .invalidRequest)
            #expect(failure.id == id)
        case .batch(let entries):
            guard case .failure(let failure)? = entries.first else {
                Issue.record("expected a failure entry")
                return
            }
            #expect(failure.error.code == .invalidRequest)
        default:
            Issue.record("expected a failure")
        }
    }

    @Test("answers unparseable text with -32700 and a null id")
    func parseError() {
        guard case .single(.failure(let failure)) = codec.decode(Array("{bad".utf8)) else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.error.code == .parseError)
        #expect(failure.id == nil)
        #expect(failure.response.serialized().contains(#""id":null"#))
    }
}
