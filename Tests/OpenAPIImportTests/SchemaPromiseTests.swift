import GatewayCore
import MCPCore
import OpenAPIImport
import Testing

/// What a tool's schema promises, the gateway accepts: every limit of what a request can carry
/// is stated in the `inputSchema`, so a client never meets a refusal its schema did not predict.
@Suite("Schemas state what a call can carry")
struct SchemaPromiseTests {
    static let document = """
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /items/{id}:
            put:
              operationId: putItem
              parameters:
                - {name: id, in: path, required: true, schema: {type: string}}
                - {name: ids, in: query, required: true, schema: {type: array, items: {type: integer, format: int32}}}
                - {name: q, in: query, required: true, schema: {type: string}}
                - {name: blank, in: query, required: true, allowEmptyValue: true, schema: {type: string}}
                - {name: X-Note, in: header, schema: {type: string}}
              requestBody:
                content:
                  application/json:
                    schema:
                      type: object
                      required: [name, size]
                      properties:
                        name: {type: string}
                        size: {type: integer, format: int64, maximum: 10}
                        note: {type: string}
          /photos:
            post:
              operationId: upload
              requestBody:
                required: true
                content:
                  image/jpeg:
                    schema: {type: string, format: binary}
        """

    private func tools(_ options: ImportOptions = ImportOptions()) throws -> [String: JSONValue] {
        let result = try OpenAPIImporter(options: options).importDocument(bytes: Array(Self.document.utf8), location: "inline.yaml")
        return Dictionary(uniqueKeysWithValues: result.tools.map { ($0.tool.name, $0.tool.inputSchema) })
    }

    @Test("path, query and header parameters state what they cannot be")
    func parameters() throws {
        let schema = try #require(try tools()["putItem"])
        let properties = try #require(schema["properties"]?.objectValue)
        #expect(properties["id"]?["pattern"] == .string(ArgumentRules.pathSegmentPattern), "an empty, '.' or '..' segment would change the path")
        #expect(properties["ids"]?["minItems"] == 1, "an empty list would leave a required parameter out")
        #expect(properties["ids"]?["items"]?["minimum"] == .int(Int64(Int32.min)))
        #expect(properties["ids"]?["items"]?["maximum"] == .int(Int64(Int32.max)))
        #expect(properties["q"]?["minLength"] == 1, "an empty value is sent only where the document allows it")
        #expect(properties["blank"]?["minLength"] == nil)
        #expect(properties["X-Note"]?["not"]?["pattern"] != nil, "a header value cannot hold CR or LF")
    }

    @Test("int64 states its range, a narrower bound is kept; an optional body's required fields depend on each other")
    func bodies() throws {
        let schema = try #require(try tools()["putItem"])
        #expect(schema["properties"]?["size"]?["minimum"] == .int(Int64.min))
        #expect(schema["properties"]?["size"]?["maximum"] == 10)
        #expect(schema["required"] == ["id", "ids", "q", "blank"], "the body is optional, so its fields are not required")
        #expect(schema["dependentRequired"] == ["name": ["size"], "size": ["name"], "note": ["name", "size"]])
    }

    @Test("a binary body is a base64 string, and the schema says so")
    func binary() throws {
        let body = try #require(try tools()["upload"]?["properties"]?["body"])
        #expect(body["type"] == "string")
        #expect(body["contentEncoding"] == "base64")
        #expect(body["contentMediaType"] == "image/jpeg")
        #expect(body["pattern"] != nil)
    }

    @Test("a document without servers warns about the base URL only when none is configured")
    func baseURLWarning() throws {
        let swagger = """
            swagger: "2.0"
            info: {title: t, version: "1"}
            paths:
              /a: {get: {operationId: a, responses: {"200": {description: ok}}}}
            """
        for (text, pointer) in [(Self.document, "/servers"), (swagger, "/host")] {
            let bare = try OpenAPIImporter().importDocument(bytes: Array(text.utf8), location: "x.yaml")
            #expect(bare.diagnostics.contains { $0.pointer == pointer && $0.message.contains("--base-url") })
            let configured = try OpenAPIImporter(options: ImportOptions(baseURL: "http://127.0.0.1:1")).importDocument(
                bytes: Array(text.utf8), location: "x.yaml"
            )
            #expect(!configured.diagnostics.contains { $0.message.contains("--base-url") })
        }
    }
}
