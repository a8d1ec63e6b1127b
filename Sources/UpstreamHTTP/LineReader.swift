import Foundation
import Logging

/// Reads newline-delimited lines from a descriptor on a dedicated thread (blocking `read` suits
/// pipes, files and terminals alike) and hands them over as an async sequence. Used for the
/// stdio transport's input and for the output of stdio MCP children.
public struct LineReader: Sendable {
    public enum Item: Sendable {
        case line([UInt8])
        case tooLong(Int)
    }

    let descriptor: Int32
    let maxLineBytes: Int
    let logger: Logger
    let name: String

    public init(descriptor: Int32, maxLineBytes: Int, logger: Logger, name: String = "toolgate-stdin") {
        self.descriptor = descriptor
        self.maxLineBytes = maxLineBytes
        self.logger = logger
        self.name = name
    }

    public func lines() -> AsyncStream<Item> {
        let (stream, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .unbounded)
        let descriptor = self.descriptor
        let maxLineBytes = self.maxLineBytes
        let thread = Thread {
            var pending = [UInt8]()
            var discarding = 0
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                var start = 0
                for index in 0..<count where chunk[index] == 0x0A {
                    if discarding > 0 {
                        continuation.yield(.tooLong(discarding + index - start))
                        discarding = 0
                    } else if pending.count + index - start > maxLineBytes {
                        continuation.yield(.tooLong(pending.count + index - start))
                        pending.removeAll(keepingCapacity: true)
                    } else {
                        pending.append(contentsOf: chunk[start..<index])
                        continuation.yield(.line(pending))
                        pending.removeAll(keepingCapacity: true)
                    }
                    start = index + 1
                }
                if discarding > 0 {
                    discarding += count - start
                } else {
                    pending.append(contentsOf: chunk[start..<count])
                    if pending.count > maxLineBytes {
                        discarding = pending.count
                        pending.removeAll()
                    }
                }
            }
            if discarding > 0 {
                continuation.yield(.tooLong(discarding))
            } else if !pending.isEmpty {
                continuation.yield(.line(pending))
            }
            continuation.finish()
        }
        thread.name = name
        thread.start()
        return stream
    }
}
