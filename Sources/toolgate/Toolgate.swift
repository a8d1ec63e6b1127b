import ArgumentParser

/// `toolgate`: one controlled entrance for AI traffic.
@main
struct Toolgate: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "toolgate",
        abstract: "A gateway that lets AI agents use a company's systems safely.",
        discussion: "Import OpenAPI documents as MCP tools and serve them with one policy pipeline.",
        version: version,
        subcommands: [StdioCommand.self, ServeCommand.self, CheckCommand.self, ImportCommand.self]
    )
}
