import Foundation
import GatewayCore
import Logging
import MCPCore
import UpstreamHTTP

/// MCP over stdio: newline-delimited JSON-RPC on stdin/stdout, nothing else on stdout.
///
/// Every received line is handled in its own child task, so a slow `tools/call` never blocks a
/// `ping`. Lines longer than `maxLineBytes` are discarded with a -32700 error. On end of input
/// the transport waits for requests in flight, then returns.
public struct StdioTransport: Sendable {
    public var maxLineBytes: Int
    let input: Int32
    let output: Int32
    let logger: Logger

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, maxLineBytes: Int = 16 << 20, logger: Logger) {
        self.input = input
        self.output = output
        self.maxLineBytes = maxLineBytes
        self.logger = logger
    }

    /// Runs a session over the descriptors until the input ends.
    public func run(makeSession: (_ send: @escaping @Sendable (JSONRPCMessage) async -> Void) -> MCPServerSession) async {
        let writer = LineWriter(descriptor: output)
        let session = makeSession { message in await writer.write(message.jsonValue) }
        let lines = LineReader(descriptor: input, maxLineBytes: maxLineBytes, logger: logger).lines()
        await withTaskGroup(of: Void.self) { group in
            for await line in lines {
                switch line {
                case .line(let bytes):
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                    switch await session.dispatch(bytes) {
                    case .done(let reply):
                        if let reply { await writer.write(reply.jsonValue) }
                    case .run(let work):
                        group.addTask {
                            if let reply = await work() { await writer.write(reply.jsonValue) }
                        }
                    }
                case .tooLong(let length):
                    logger.warning("stdin line too long; discarded", metadata: ["bytes": "\(length)", "limit": "\(maxLineBytes)"])
                    await writer.write(
                        JSONRPCMessage.error(id: nil, error: .parseError("Parse error: message of \(length) bytes exceeds the \(maxLineBytes)-byte line limit")).jsonValue
                    )
                }
            }
            await group.waitForAll()
        }
        await session.end()
        logger.info("stdin closed; stdio transport stopped")
    }
}

/// Serialises whole lines onto a descriptor, one message at a time.
actor LineWriter {
    let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func write(_ value: JSONValue) {
        var bytes = value.serializedBytes()
        bytes.append(0x0A)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return
                }
                offset += written
            }
        }
    }
}
