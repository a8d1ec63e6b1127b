import Dispatch
import Foundation
import GatewayCore
import Logging
import MCPCore
import Synchronization
import UpstreamHTTP

/// One running stdio MCP server: the process, its MCP client connection, and its output read
/// line by line on dedicated threads (stdout → the connection; stderr → the gateway's log,
/// never to clients), handed on by jobs of the connector's `TaskOwner`. Writes go through a serial queue, off the event loops.
final class StdioChild: MCPUpstreamLink {
    let connection: MCPClientConnection
    let process: Process
    private let writes: DispatchQueue
    private let input: FileHandle
    /// Set by `terminate`, so the exit it causes is not reported as a failure.
    private let stopRequested = StopFlag()

    /// Starts the process and reads its output; `onExit` runs once when it is gone.
    init(
        command: StdioServerCommand, executable: String, maxLineBytes: Int, owner: TaskOwner, logger: Logger,
        onNotification: @escaping @Sendable (String, JSONValue?) async -> Void, onExit: @escaping @Sendable (ChildExit) -> Void
    ) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = command.arguments
        process.environment = ProcessInfo.processInfo.environment.merging(command.environment) { _, new in new }
        if let folder = command.workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let writes = DispatchQueue(label: "toolgate.child.stdin")
        let input = stdin.fileHandleForWriting
        self.writes = writes
        self.input = input
        self.process = process
        let connection = MCPClientConnection(owner: owner, logger: logger, onNotification: onNotification) { message in
            var bytes = message.serializedBytes()
            bytes.append(0x0A)
            let data = Data(bytes)
            return await withCheckedContinuation { done in
                writes.async {
                    do {
                        try input.write(contentsOf: data)
                        done.resume(returning: true)
                    } catch {
                        done.resume(returning: false)
                    }
                }
            }
        }
        self.connection = connection
        let lastErrors = Mutex<[String]>([])
        let stopRequested = self.stopRequested
        let errorsRead = DispatchSemaphore(value: 0)
        process.terminationHandler = { finished in
            // The child's last stderr lines say why it stopped ("No module named ..."): wait
            // briefly for the reader to reach the end of the pipe, then put them in the message.
            _ = errorsRead.wait(timeout: .now() + .seconds(1))
            let exit = ChildExit(process: finished, lastErrors: lastErrors.withLock { $0 })
            // An end the gateway asked for (`terminate`) is routine; any other is worth a warning.
            logger.log(
                level: stopRequested.withLock { $0 } ? .info : .warning, "MCP server exited",
                metadata: ["command": "\(command.command)", "exit": "\(exit.status)", "stderr": "\(exit.lastErrors.joined(separator: " | "))"]
            )
            connection.close(JSONRPCError(code: .internalError, message: "the MCP server '\(command.command)' \(exit.description)"))
            onExit(exit)
        }
        try process.run()
        let lines = LineReader(descriptor: stdout.fileHandleForReading.fileDescriptor, maxLineBytes: maxLineBytes, logger: logger, name: "toolgate-child-out").lines()
        // The readers end at the pipes' end of file, which the child's exit (or `terminate`) brings.
        owner.start {
            for await line in lines {
                switch line {
                case .line(let bytes): await connection.receive(bytes)
                case .tooLong(let length):
                    logger.warning("MCP server wrote a line over the limit; discarded", metadata: ["bytes": "\(length)", "limit": "\(maxLineBytes)"])
                }
            }
        }
        let errors = LineReader(descriptor: stderr.fileHandleForReading.fileDescriptor, maxLineBytes: 64 << 10, logger: logger, name: "toolgate-child-err").lines()
        owner.start {
            for await line in errors {
                guard case .line(let bytes) = line else { continue }
                let text = String(decoding: bytes, as: UTF8.self)
                lastErrors.withLock { lines in
                    lines.append(text)
                    if lines.count > ChildExit.keptLines { lines.removeFirst() }
                }
                logger.info("MCP server stderr", metadata: ["line": "\(text)"])
            }
            errorsRead.signal()
        }
    }

    var label: String { "pid \(process.processIdentifier)" }

    func negotiated(_ version: String) async {}

    /// Ends the process (SIGTERM); its exit closes the connection.
    func terminate() async {
        stopRequested.withLock { $0 = true }
        if process.isRunning { process.terminate() }
        try? input.close()
    }
}

/// A flag shared between a child and its exit handler.
final class StopFlag: Sendable {
    private let value = Mutex(false)

    func withLock<R>(_ body: (inout Bool) -> R) -> R { value.withLock { body(&$0) } }
}
