import Foundation
import MCPCore
import OpenAPIImport
import Testing

/// Every document of `../shared/specs-corpus` imports without a crash or a hang, with one valid,
/// unique tool name per operation. Skipped cleanly when the corpus is absent.
@Suite("Corpus imports", .enabled(if: Fixtures.corpus != nil, "../shared/specs-corpus is absent"))
struct CorpusTests {
    static let documents = [
        "oai-petstore-v3.0.yaml", "oai-petstore-expanded-v3.0.yaml", "oai-webhook-example-v3.1.yaml", "oai-petstore-v2.0.json",
        "swagger-petstore-v2-formdata-swagger2.0.json", "openai-openapi-v3.1.yaml", "slack-web-api-swagger2.0.json",
        "stripe-spec3-2023-05-30-v3.0.yaml", "kubernetes-v1.32-swagger2.0.json", "github-api.github.com-2022-07-v3.0.yaml",
        "oai-petstore-separate-v2.0/spec/swagger.yaml", "digitalocean-v2-multifile/DigitalOcean-public.v2.yaml",
    ]

    @Test("imports with one valid, unique tool per operation", arguments: documents)
    func importDocument(name: String) throws {
        let corpus = try #require(Fixtures.corpus)
        let path = corpus.appendingPathComponent(name).path
        try #require(FileManager.default.fileExists(atPath: path), "\(name) is missing from the corpus")
        let result = try OpenAPIImporter().importDocument(path: path)
        #expect(result.tools.count == result.operationCount - result.skippedCount)
        let names = result.tools.map(\.tool.name)
        #expect(Set(names).count == names.count)
        let invalid = names.filter { !Fixtures.isValidToolName($0) }
        #expect(invalid.isEmpty, "invalid names: \(invalid.prefix(5))")
        for imported in result.tools {
            #expect(imported.tool.inputSchema["type"] == "object")
            #expect(!imported.tool.description.isEmpty)
        }
    }
}
