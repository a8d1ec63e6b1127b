import Foundation

/// Debian's `tinyproxy` on 127.0.0.1, started for a test with a configuration of its own
/// (CONNECT to any port) and stopped after it; its log is read line by line so a test can
/// await what the proxy did. Every wait ends within 30 s (the log stream is finished then), so
/// a proxy that failed to start, or a log line that never comes, fails the test instead of
/// hanging it.
final class TinyProxy: @unchecked Sendable {
    static let executable = "/usr/bin/tinyproxy"

    let port: Int
    private let process: Process
    private let folder: URL
    private var log: AsyncStream<String>.AsyncIterator

    init() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw TestSetupError("tinyproxy is not installed (apt-get install tinyproxy; .ci/run installs it)")
        }
        port = try RefusedPort().port  // a free port, released at once for the proxy to take
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("toolgate-proxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configuration = folder.appendingPathComponent("tinyproxy.conf")
        try Data("Port \(port)\nListen 127.0.0.1\nTimeout 30\nMaxClients 20\nAllow 127.0.0.1\nLogLevel Info\n".utf8).write(to: configuration)
        // tinyproxy logs to its stdout, which stdio buffers in a pipe: `stdbuf -oL` makes each
        // line arrive as it is written.
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/stdbuf")
        process.arguments = ["-oL", Self.executable, "-d", "-c", configuration.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        try output.fileHandleForWriting.close()
        let (lines, continuation) = AsyncStream.makeStream(of: String.self)
        log = lines.makeAsyncIterator()
        let reading = output.fileHandleForReading
        let reader = Thread {
            var pending = Data()
            while true {
                let chunk = reading.availableData
                if chunk.isEmpty { break }
                pending += chunk
                while let newline = pending.firstIndex(of: 0x0A) {
                    continuation.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending = Data(pending[(newline + 1)...])
                }
            }
            continuation.finish()
        }
        reader.start()
        DispatchQueue.global().asyncAfter(deadline: .now() + 30) { continuation.finish() }
        guard try await waitForLog(containing: "Accepting connections") != nil else {
            stop()
            throw TestSetupError("tinyproxy did not start on port \(port)")
        }
    }

    /// Reads the log until a line contains `text` (nil if the log ends first).
    func waitForLog(containing text: String) async throws -> String? {
        while let line = await log.next() {
            if line.contains(text) { return line }
        }
        return nil
    }

    func stop() {
        // SIGKILL: on SIGTERM tinyproxy waits for its open connections (a pool's kept-alive one).
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }
}
