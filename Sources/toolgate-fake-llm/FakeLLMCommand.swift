import ArgumentParser
import Foundation
import GatewayTesting

/// `toolgate-fake-llm`: the fake model provider (recorded OpenAI, DeepSeek, Qwen, vLLM and Ollama
/// answers, failures on request) for the interop tests and `Benchmarks/llm.sh`.
@main
struct FakeLLMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toolgate-fake-llm",
        abstract: "Serve recorded model-provider answers on 127.0.0.1 (see GatewayTesting/FakeModelProvider.swift for the paths)."
    )

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one and prints it).")
    var port = 0

    @Option(help: "The fixtures folder (fixtures/providers of the repository by default).")
    var fixtures: String?

    func run() async throws {
        let loaded = try fixtures.map { try ProviderFixtures.load(from: $0) } ?? FakeModelProvider.repositoryFixtures()
        let provider = FakeModelProvider(fixtures: loaded)
        let host = self.host
        try await provider.run(host: host, port: port) { port in
            print("toolgate-fake-llm listening on http://\(host):\(port)")
            fflush(nil)
        }
    }
}
