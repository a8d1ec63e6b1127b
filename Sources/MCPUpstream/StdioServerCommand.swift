import Foundation

/// How to start a stdio MCP server: an argv array (never a shell line), its environment and
/// working directory.
public struct StdioServerCommand: Sendable, Hashable {
    public var command: String
    public var arguments: [String]
    /// Variables added to (or replacing in) the gateway's own environment.
    public var environment: [String: String]
    public var workingDirectory: String?

    public init(command: String, arguments: [String] = [], environment: [String: String] = [:], workingDirectory: String? = nil) {
        self.command = command
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// The executable's path: `command` itself when it has a slash, else the first match on `PATH`.
    public func executablePath(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        if command.contains("/") { return FileManager.default.isExecutableFile(atPath: command) ? command : nil }
        for folder in (path ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// The commands a configuration allows to run; checked when the configuration loads and again
/// at every spawn. An entry is a command name (`python3`) or an absolute path.
public struct CommandAllowList: Sendable, Hashable {
    public var commands: Set<String>

    public init(_ commands: some Sequence<String>) {
        self.commands = Set(commands)
    }

    /// Whether `command` may run (by the name it was given, or by its resolved path).
    public func allows(_ command: StdioServerCommand) -> Bool {
        if commands.contains(command.command) { return true }
        guard let path = command.executablePath() else { return false }
        return commands.contains(path) || commands.contains((path as NSString).lastPathComponent) && !command.command.contains("/")
    }
}
