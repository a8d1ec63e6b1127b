import ArgumentParser
import Logging

/// Logging flags shared by every command; logs always go to stderr.
struct LoggingOptions: ParsableArguments {
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func bootstrap() -> Logger {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "toolgate")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
