import GatewayCore
import MCPCore
import MCPUpstream
import Foundation
import Testing

/// The gateway's own credentials never leave it in results or errors.
@Suite("Secret scrubber")
struct SecretScrubberTests {
    @Test("secrets in text, structured content, keys and nested values become [redacted]; short values are left alone")
    func scrubs() {
        let endpoint = RemoteMCPEndpoint(
            url: URL(string: "https://mcp.example.com/mcp")!, headers: [("Authorization", "Bearer tok-123456"), ("X-Id", "ab")]
        )
        #expect(endpoint.secrets == ["Bearer tok-123456", "tok-123456", "ab"])
        let scrubber = SecretScrubber(secrets: endpoint.secrets)
        let result = MCPToolResult(
            content: [.text("auth was Bearer tok-123456, key tok-123456, about ab")],
            structuredContent: ["seen": ["tok-123456", 3], "tok-123456": true]
        )
        let scrubbed = scrubber.scrub(result)
        #expect(scrubbed.content == [.text("auth was [redacted], key [redacted], about ab")])
        #expect(scrubbed.structuredContent == ["seen": ["[redacted]", 3], "[redacted]": true])
        #expect(SecretScrubber(secrets: []).scrub(result) == result)
    }
}
