import Foundation
import ArgumentParser
import DemoAPI
import Logging

/// `toolgate-demo-api`: the demo pet clinic API that `specs/demo-api.yaml` describes.
@main
struct DemoAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toolgate-demo-api",
        abstract: "Serve the demo pet clinic API (specs/demo-api.yaml) on 127.0.0.1."
    )

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one and prints it).")
    var port = 8081

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "toolgate-demo-api")
        logger.logLevel = .warning
        try await DemoAPIServer.run(host: host, port: port, logger: logger) { port in
            print("toolgate-demo-api listening on http://\(host):\(port)")
            fflush(nil)
        }
    }
}
