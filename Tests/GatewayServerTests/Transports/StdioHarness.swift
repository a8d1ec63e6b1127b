import Foundation
import GatewayCore
@testable import GatewayServer
import Logging
import MCPCore
import UpstreamHTTP

/// Runs a `StdioTransport` on real pipes in-process: the test writes lines to the gateway's
/// stdin and reads its stdout line by line, as a desktop client would.
final class StdioHarness: Sendable {
    let toGateway: Int32
    let fromGateway: Int32
    let gatewayInput: Int32
    let gatewayOutput: Int32
    let lines: AsyncStream<LineReader.Item>

    init() {
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        _ = pipe(&input)
        _ = pipe(&output)
        gatewayInput = input[0]
        toGateway = input[1]
        fromGateway = output[0]
        gatewayOutput = output[1]
        var logger = Logger(label: "stdio-harness")
        logger.logLevel = .error
        lines = LineReader(descriptor: fromGateway, maxLineBytes: 64 << 20, logger: logger).lines()
    }

    var logger: Logger {
        var logger = Logger(label: "stdio-test")
        logger.logLevel = .error
        return logger
    }

    /// Runs the transport with `handler` until the test closes the input; then closes the output.
    func runGateway(handler: any MCPServerHandler, maxLineBytes: Int = 16 << 20) async {
        let logger = self.logger
        await StdioTransport(input: gatewayInput, output: gatewayOutput, maxLineBytes: maxLineBytes, logger: logger).run { send in
            MCPServerSession(configuration: .init(serverInfo: .init(name: "test", version: "1")), handler: handler, logger: logger, send: send)
        }
        close(gatewayOutput)
        close(gatewayInput)
    }

    func send(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        bytes.withUnsafeBytes { _ = write(toGateway, $0.baseAddress, $0.count) }
    }

    func closeInput() {
        close(toGateway)
    }

    /// The next line the gateway wrote, parsed.
    func next(_ iterator: inout AsyncStream<LineReader.Item>.Iterator) async throws -> JSONValue? {
        guard case .line(let bytes)? = await iterator.next() else { return nil }
        return try JSONParser().parse(bytes)
    }

    /// Sends `initialize` (2025-11-25), checks the answer, and returns the iterator over further lines.
    func initialized() async throws -> AsyncStream<LineReader.Item>.Iterator {
        var lines = self.lines.makeAsyncIterator()
        send(#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#)
        let reply = try await next(&lines)
        guard reply?["result"]?["protocolVersion"] == "2025-11-25" else {
            throw StdioHarnessError(message: "initialize failed: \(reply.map { "\($0)" } ?? "no reply")")
        }
        return lines
    }
}

struct StdioHarnessError: Error {
    var message: String
}
