import GatewayCore
import MCPCore
import Testing

@Suite("GatewayError wire formats")
struct GatewayErrorConversionTests {
    /// Every code, with the JSON-RPC error code and HTTP status it must become.
    static let expected: [(GatewayError.Code, JSONRPCError.Code, Int)] = [
        (.unknownTool, .invalidParams, 404),
        (.invalidRequest, .invalidParams, 400),
        (.unauthenticated, .invalidRequest, 401),
        (.denied, .invalidRequest, 403),
        (.notFound, .invalidParams, 404),
        (.modelNotFound, .invalidParams, 404),
        (.methodNotAllowed, .invalidParams, 405),
        (.misdirected, .invalidRequest, 421),
        (.rateLimited, .invalidRequest, 429),
        (.payloadTooLarge, .invalidParams, 413),
        (.upstream, .internalError, 502),
        (.timeout, .internalError, 504),
        (.unavailable, .internalError, 503),
        (.configuration, .internalError, 500),
        (.internal, .internalError, 500),
    ]

    @Test("each code becomes the right JSON-RPC error and HTTP status", arguments: 0..<expected.count)
    func eachCode(index: Int) {
        let (code, rpc, status) = Self.expected[index]
        let error = GatewayError(code, "what happened")
        #expect(error.jsonRPCError.code == rpc, "\(code.rawValue)")
        #expect(error.jsonRPCError.message == "what happened")
        #expect(error.httpStatus == status, "\(code.rawValue)")
        #expect(error.httpBody == ["error": ["message": "what happened", "type": .string(code.rawValue), "param": nil, "code": .string(code.rawValue)]])
        #expect(error.httpHeaders.isEmpty)
        #expect(error.toolResult.isError == true)
        #expect(error.toolResult.content == [.text("what happened")])
    }

    @Test("refusals carry their reason and retry-after in every format")
    func retryAfter() {
        let error = GatewayError(.rateLimited, "600 requests per minute used", retryAfter: 12)
        #expect(error.jsonRPCError.data == ["reason": "rate_limited", "retryAfter": 12])
        #expect(error.httpStatus == 429)
        #expect(error.httpHeaders.map(\.name) == ["Retry-After"])
        #expect(error.httpHeaders.map(\.value) == ["12"])
        #expect(error.httpBody["error"]?["retry_after"] == 12)
        #expect(error.toolResult.content == [.text("600 requests per minute used (retry after 12 s)")])
    }

    @Test("an upstream MCP server's own error passes through unchanged")
    func passedOn() {
        let upstream = JSONRPCError(code: .resourceNotFound, message: "Resource not found: 'x'", data: ["uri": "x"])
        #expect(GatewayError.passedOn(upstream).jsonRPCError == upstream)
        #expect(GatewayError.passedOn(upstream).httpStatus == 502)
    }
}
