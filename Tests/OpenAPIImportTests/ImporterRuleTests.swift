import Foundation
import GatewayCore
import MCPCore
import OpenAPIImport
import Testing

@Suite("Importer rules")
struct ImporterRuleTests {
    @Test("names are valid for every client, unique and stable")
    func names() throws {
        let result = try Fixtures.load("names.yaml")
        let names = result.tools.map(\.tool.name)
        #expect(names.allSatisfy { Fixtures.isValidToolName($0, letterFirst: true) })
        #expect(Set(names).count == names.count)
        #expect(names.contains("repos_get"))
        #expect(names.contains("find_pet_by_id"))
        #expect(names.contains("apps_create_yml"))
        #expect(names.contains("op_2fa-disable"))
        #expect(names.contains("get_b_id_c_json"))
        #expect(names.contains { $0.hasPrefix("enterprise-admin_list-self-hosted") && $0.count == 64 })
        #expect(try Fixtures.load("names.yaml").tools.map(\.tool.name) == names, "names must not change between runs")
        let short = try Fixtures.load("names.yaml", options: ImportOptions(maxNameLength: 30, namePrefix: "gh_"))
        #expect(short.tools.allSatisfy { $0.tool.name.count <= 30 && $0.tool.name.hasPrefix("gh_") })
    }

    @Test("diagnostics name the real file and pointer, never the internal bundle; every rename is said")
    func diagnosticLocations() throws {
        let multifile = try Fixtures.load("multifile/root.yaml")
        #expect(!multifile.diagnostics.contains { $0.pointer.contains("x-toolgate-bundle") })
        #expect(multifile.diagnostics.contains { $0.pointer == "schemas/pet.yaml" && $0.message.contains("recursive") })
        #expect(multifile.diagnostics.contains { $0.pointer.hasPrefix("common/responses.yaml#/") && $0.message.contains("missing-file.yaml") })
        let names = try Fixtures.load("names.yaml")
        #expect(names.diagnostics.contains { $0.message == "operationId 'apps#create.yml' is exposed as tool 'apps_create_yml'" })
        #expect(names.diagnostics.contains { $0.message == "operationId 'repos/get' is exposed as tool 'repos_get'" })
    }

    @Test("parameters and the body merge into one object schema with required set right")
    func arguments() throws {
        let result = try Fixtures.load("arguments.yaml")
        let update = try #require(Fixtures.tool(result, "updateItem"))
        let schema = update.tool.inputSchema
        #expect(schema["type"] == "object")
        let properties = try #require(schema["properties"]?.objectValue)
        #expect(Array(properties.keys) == ["id", "verbose", "id_query", "expand", "X-Trace", "session", "price", "kind", "tags", "meta", "name", "secret"])
        #expect(schema["required"] == ["id", "name"])
        #expect(properties["verbose"]?["enum"] == ["yes", "no"], "operation-level parameter overrides the path-level one; YAML 'yes' stays a string")
        #expect(properties["id"]?["description"] == "Item id.")
        #expect(properties["price"]?["type"] == ["number", "null"])
        #expect(properties["kind"]?["enum"] == ["a", "b", .null])
        #expect(properties["meta"]?["anyOf"] != nil, "nullable oneOf is wrapped with a null alternative")
        #expect(properties["name"]?["examples"] == ["widget"])
        #expect(properties["Authorization"] == nil, "Authorization is never a caller argument")
        #expect(properties["id_body"] == nil, "readOnly body properties are not inputs")
        #expect(!(properties["price"]?.serialized().contains("x-internal") ?? true))
        #expect(update.binding.serverURL == "https://eu.example.com/api")
        let locations = update.binding.parameters.map { "\($0.argument)@\($0.location.rawValue)=\($0.name)" }
        #expect(locations == ["id@path=id", "verbose@query=verbose", "id_query@query=id", "expand@query=expand[]", "X-Trace@header=X-Trace", "session@cookie=session"])
        #expect(update.binding.parameters.first { $0.argument == "expand" }?.style == "deepObject")
        #expect(update.tool.annotations?.idempotentHint == true)
        #expect(update.tool.description == "Update an item\n\nReplaces the item's fields.")
    }

    @Test("a non-object body becomes one 'body' argument; form bodies are preferred over XML")
    func bodies() throws {
        let result = try Fixtures.load("arguments.yaml")
        let notes = try #require(Fixtures.tool(result, "addNotes"))
        #expect(notes.tool.inputSchema["properties"]?["body"]?["type"] == "array")
        #expect(notes.binding.body?.shape == .whole(argument: "body"))
        let form = try #require(Fixtures.tool(result, "submitForm"))
        #expect(form.binding.body?.mediaType == "application/x-www-form-urlencoded")
        #expect(form.tool.inputSchema["properties"]?["age"]?["exclusiveMinimum"] == 0)
        #expect(form.tool.inputSchema["properties"]?["age"]?["minimum"] == nil)
        #expect(form.tool.inputSchema["required"] == nil, "an optional body's required fields are not required arguments")
    }

    @Test("recursive schemas become $defs references with a diagnostic; example data is not a reference")
    func recursion() throws {
        let result = try Fixtures.load("recursive.yaml")
        let tree = try #require(Fixtures.tool(result, "plantTree"))
        let schema = tree.tool.inputSchema
        #expect(schema["properties"]?["children"]?["items"]?["$ref"] == "#/$defs/Node")
        #expect(schema["$defs"]?["Node"]?["properties"]?["children"]?["items"]?["$ref"] == "#/$defs/Node")
        #expect(result.diagnostics.contains { $0.pointer == "/components/schemas/Node" && $0.message.contains("recursive") })
        let graph = try #require(Fixtures.tool(result, "drawGraph"))
        #expect(graph.tool.inputSchema["$defs"]?["A"] != nil)
        #expect(result.diagnostics.contains { $0.severity == .error && $0.message.contains("#/components/schemas/Nowhere") })
        let example = try #require(Fixtures.tool(result, "withExample"))
        #expect(example.tool.inputSchema["properties"]?["doc"]?["examples"] == [["$ref": "not a reference, just data"]])
    }

    @Test("Swagger 2.0 becomes the 3.x model: servers, bodies, form data, files, collection formats")
    func swagger2() throws {
        let result = try Fixtures.load("swagger2.json")
        #expect(result.specVersion == "2.0")
        let form = try #require(Fixtures.tool(result, "updatePetWithForm"))
        #expect(form.binding.serverURL == "https://api.example.com/v2")
        #expect(form.binding.body?.mediaType == "application/x-www-form-urlencoded")
        #expect(form.tool.inputSchema["required"] == ["petId", "name"])
        let replace = try #require(Fixtures.tool(result, "replacePet"))
        #expect(replace.binding.parameters.first { $0.name == "tags" }?.style == "pipeDelimited")
        #expect(replace.binding.parameters.first { $0.name == "ids" }?.explode == true)
        #expect(replace.tool.inputSchema["properties"]?["nickname"]?["type"] == ["string", "null"])
        #expect(replace.tool.inputSchema["properties"]?["example"]?["properties"]?["label"] != nil, "a property named 'example' is a schema, not data")
        let upload = try #require(Fixtures.tool(result, "uploadImage"))
        #expect(upload.binding.body?.mediaType == "multipart/form-data")
        #expect(upload.tool.inputSchema["properties"]?["file"]?["anyOf"]?.arrayValue?.first?["contentEncoding"] == "base64")
        guard case .fields(let fields)? = upload.binding.body?.shape else {
            Issue.record("expected body fields")
            return
        }
        #expect(fields.first { $0.property == "file" }?.isFile == true)
    }

    @Test("YAML scalars follow the 1.2 core schema; a document without servers gets a diagnostic at call time")
    func yamlScalars() throws {
        let result = try Fixtures.load("yaml-scalars.yaml")
        let flags = try #require(Fixtures.tool(result, "getFlags"))
        #expect(flags.tool.inputSchema["properties"]?["mode"]?["enum"] == ["yes", "no", "on", "off", "2024-01-01", 31, 1.5, .null])
        #expect(flags.tool.inputSchema["properties"]?["mode"]?["default"] == "on")
        #expect(flags.binding.serverURL == nil)
    }

    @Test("unreadable, unparseable and non-OpenAPI documents are the only fatal errors")
    func fatal() throws {
        let importer = OpenAPIImporter()
        #expect { try importer.importDocument(path: "/nonexistent/spec.yaml") } throws: { ($0 as? ImportError)?.code == .unreadable }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("toolgate-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appendingPathComponent("broken.json")
        try Data("{\"openapi\": ".utf8).write(to: broken)
        #expect { try importer.importDocument(path: broken.path) } throws: { ($0 as? ImportError)?.code == .unparseable }
        let yaml = directory.appendingPathComponent("broken.yaml")
        try Data("a: [1, 2\nb: {".utf8).write(to: yaml)
        #expect { try importer.importDocument(path: yaml.path) } throws: { ($0 as? ImportError)?.code == .unparseable }
        let other = directory.appendingPathComponent("other.yaml")
        try Data("name: not an api\n".utf8).write(to: other)
        #expect { try importer.importDocument(path: other.path) } throws: { ($0 as? ImportError)?.code == .notOpenAPI }
        let future = directory.appendingPathComponent("future.yaml")
        try Data("openapi: 4.0.0\n".utf8).write(to: future)
        #expect { try importer.importDocument(path: future.path) } throws: { ($0 as? ImportError)?.message.contains("4.0.0") == true }
    }

    @Test("multi-file documents: relative references across files, cycles across files, refs in extensions left alone")
    func multiFile() throws {
        let result = try Fixtures.load("multifile/root.yaml")
        #expect(result.tools.map(\.tool.name) == ["listPets", "createPet", "getPet", "createOwner"])
        let create = try #require(Fixtures.tool(result, "createPet"))
        #expect(create.tool.inputSchema["properties"]?["owner"]?["properties"]?["pets"]?["items"]?["$ref"] == "#/$defs/pet")
        #expect(Fixtures.tool(result, "listPets")?.tool.inputSchema["properties"]?["limit"]?["maximum"] == 50)
        #expect(Fixtures.tool(result, "getPet")?.tool.inputSchema["properties"]?["id"]?["type"] == "string", "a reference back into the root document")
        #expect(result.diagnostics.filter { $0.severity == .error }.map(\.message) == ["reference target 'common/missing-file.yaml' cannot be read: no such file"])
    }

    @Test("selection by tag, operationId glob, method and path glob; exclusions are counted")
    func selection() throws {
        let all = try Fixtures.load("multifile/root.yaml")
        func names(_ selection: ToolSelection) throws -> [String] {
            try Fixtures.load("multifile/root.yaml", options: ImportOptions(selection: selection)).tools.map(\.tool.name)
        }
        #expect(try names(ToolSelection(methods: ["GET"])) == ["listPets", "getPet"])
        #expect(try names(ToolSelection(includeOperations: ["create*"])) == ["createPet", "createOwner"])
        #expect(try names(ToolSelection(excludeOperations: ["create*"], excludePaths: ["/pets/*"])) == ["listPets"])
        #expect(try names(ToolSelection(methods: ["post"], includePaths: ["/pets*"])) == ["createPet"])
        let tagged = try Fixtures.load("arguments.yaml", options: ImportOptions(selection: ToolSelection(includeTags: ["none"])))
        #expect(tagged.tools.isEmpty && tagged.excludedCount == tagged.operationCount)
        #expect(all.excludedCount == 0)
    }

    @Test("overrides rename, redescribe and hide arguments with fixed values")
    func overrides() throws {
        let options = ImportOptions(overrides: [
            "updateItem": ToolOverride(name: "item update!", description: "Change an item.", fixedArguments: ["verbose": "no", "id_query": "x"]),
        ])
        let result = try Fixtures.load("arguments.yaml", options: options)
        let tool = try #require(Fixtures.tool(result, "item_update"))
        #expect(tool.tool.description == "Change an item.")
        #expect(tool.tool.inputSchema["properties"]?["verbose"] == nil)
        #expect(tool.tool.inputSchema["properties"]?["id_query"] == nil)
        #expect(tool.binding.fixedArguments == ["verbose": "no", "id_query": "x"])
    }

    @Test("with output schemas on, a 2xx JSON object response becomes outputSchema (writeOnly dropped, readOnly kept); arrays get none")
    func outputSchemas() throws {
        let result = try Fixtures.load("arguments.yaml", options: ImportOptions(outputSchemas: true))
        let update = try #require(Fixtures.tool(result, "updateItem"))
        let output = try #require(update.tool.outputSchema)
        #expect(output["type"] == "object")
        #expect(output["properties"]?["id"] != nil)
        #expect(output["properties"]?["secret"] == nil)
        #expect(Fixtures.tool(result, "addNotes")?.tool.outputSchema == nil)
        #expect(try Fixtures.load("arguments.yaml").tools.allSatisfy { $0.tool.outputSchema == nil }, "off by default")
    }
}
