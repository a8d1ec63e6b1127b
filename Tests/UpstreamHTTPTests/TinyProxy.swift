import Foundation
import Logging
import UpstreamHTTP

/// Debian's `tinyproxy` on 127.0.0.1, started for a test with a configuration of its own
/// (CONNECT to any port) and stopped after it (or after 60 s at most); its log is read line by line so a test can
/// await what the proxy did.
final class TinyProxy: @unchecked Sendable {
    static let executable = "/usr/bin/tinyproxy"

    let port: Int
    private let process: Process
    private let folder: URL
    private var log: AsyncStream<LineReader.Item>.AsyncIterator

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
        process.standardError = output
        try process.run()
        // Only the proxy writes to the pipe now: its exit ends the log.
        try output.fileHandleForWriting.close()
        var logger = Logger(label: "tinyproxy")
        logger.logLevel = .critical
        log = LineReader(descriptor: output.fileHandleForReading.fileDescriptor, maxLineBytes: 64 << 10, logger: logger, name: "tinyproxy-log")
            .lines().makeAsyncIterator()
        // A watchdog bounds a test that would otherwise wait for a log line that never comes.
        let watched = process
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if watched.isRunning { watched.terminate() } }
        guard try await waitForLog(containing: "Accepting connections") != nil else {
            stop()
            throw TestSetupError("tinyproxy did not start")
        }
    }

    /// Reads the log until a line contains `text` (nil if the proxy exits first).
    func waitForLog(containing text: String) async throws -> String? {
        while let item = await log.next() {
            guard case .line(let bytes) = item else { continue }
            let line = String(decoding: bytes, as: UTF8.self)
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
