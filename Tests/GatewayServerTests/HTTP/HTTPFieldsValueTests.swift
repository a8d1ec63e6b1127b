import HTTPTypes
import Testing

@testable import GatewayServer

@Suite("Header values")
struct HTTPFieldsValueTests {
    @Test("a field's value reads as HTTPTypes' subscript does: one field, repeated fields joined, absent")
    func matchesSubscript() {
        let name = HTTPField.Name("MCP-Protocol-Version")!
        let cases: [HTTPFields] = [
            [.accept: "application/json, text/event-stream"],
            HTTPFields([HTTPField(name: .accept, value: "application/json"), HTTPField(name: .accept, value: "text/event-stream")]),
            [.contentType: "application/json"],
            [name: "2025-11-25", .accept: "*/*"],
        ]
        for fields in cases {
            for lookup in [HTTPField.Name.accept, .contentType, name, .origin] {
                #expect(fields.value(lookup) == fields[lookup], "\(lookup) in \(fields)")
            }
        }
        #expect(HTTPFields([HTTPField(name: .accept, value: "a"), HTTPField(name: .accept, value: "b")]).value(.accept) == "a, b")
    }
}
