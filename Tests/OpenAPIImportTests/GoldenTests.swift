import Foundation
import GatewayCore
import MCPCore
import OpenAPIImport
import Testing

/// Each fixture's full import (tools, bindings, diagnostics) must equal its reviewed golden file.
/// Regenerate after an intended change with `UPDATE_GOLDEN=1 swift test --filter GoldenTests`, then review the diff.
@Suite("Golden imports")
struct GoldenTests {
    @Test("import output matches the golden file", arguments: ["names.yaml", "arguments.yaml", "recursive.yaml", "swagger2.json", "yaml-scalars.yaml", "multifile/root.yaml"])
    func golden(fixture: String) throws {
        let rendered = Fixtures.render(try Fixtures.load(fixture)).prettySerialized() + "\n"
        let url = Fixtures.golden(fixture)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(rendered == expected, "golden mismatch for \(fixture); rerun with UPDATE_GOLDEN=1 and review the diff")
    }
}
