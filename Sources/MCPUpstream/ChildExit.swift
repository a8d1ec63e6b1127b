import Foundation

/// How a stdio MCP server ended: its exit status or the signal that killed it, and the last
/// lines it wrote to stderr (where a Python server says "No module named ...").
struct ChildExit: Sendable, CustomStringConvertible {
    /// How many stderr lines are kept for the message.
    static let keptLines = 5

    /// `status 1`, or `signal 15 (SIGTERM)`.
    let status: String
    let lastErrors: [String]

    init(process: Process, lastErrors: [String]) {
        if process.terminationReason == .uncaughtSignal {
            status = "signal \(process.terminationStatus)\(Self.signalNames[process.terminationStatus].map { " (\($0))" } ?? "")"
        } else {
            status = "status \(process.terminationStatus)"
        }
        self.lastErrors = lastErrors.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `exited with status 1: <last stderr lines>` or `was killed by signal 9 (SIGKILL)`.
    var description: String {
        let how = status.hasPrefix("signal") ? "was killed by \(status)" : "exited with \(status)"
        guard !lastErrors.isEmpty else { return how }
        return how + "; its last stderr lines: " + lastErrors.joined(separator: " | ")
    }

    private static let signalNames: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 15: "SIGTERM",
    ]
}
