import ArgumentParser
import Foundation
import JSONSchemaValidation
import MCPCore

/// `toolgate validate`: checks JSON values against a JSON Schema with the validator tool calls
/// use, so a tool's `inputSchema` (from `toolgate import --format json`) can be tried on
/// arguments without calling anything. One JSON value per input line, one verdict per output line.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check JSON values (one per line on stdin) against a JSON Schema, as tool arguments are checked.",
        discussion: """
            With --schema FILE, every stdin line is a value to check. Without it, every line is \
            {"schema": …, "instances": [ … ]}. Each value gets one line out: \
            {"valid": true} or {"valid": false, "violations": [{"pointer", "keyword", "message"}]}.
            """
    )

    @Option(name: .long, help: "A JSON file holding the schema (without it, each line carries its own).")
    var schema: String?

    func run() throws {
        let parser = JSONParser()
        var fixed: JSONSchemaValidator?
        if let schema {
            guard let bytes = FileManager.default.contents(atPath: schema) else { throw CommandFailure.exit("cannot read \(schema)") }
            do {
                fixed = JSONSchemaValidator(schema: try parser.parse(bytes))
            } catch {
                throw CommandFailure.exit("\(schema) is not JSON: \(error)")
            }
        }
        var number = 0
        while let line = readLine(strippingNewline: true) {
            number += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let value: JSONValue
            do {
                value = try parser.parse(line)
            } catch {
                throw CommandFailure.exit("line \(number) is not JSON: \(error)")
            }
            if let fixed {
                print(Self.verdict(fixed, value).serialized())
                continue
            }
            guard let schema = value["schema"], let instances = value["instances"]?.arrayValue else {
                throw CommandFailure.exit("line \(number) needs \"schema\" and \"instances\" (or give --schema FILE)")
            }
            let validator = JSONSchemaValidator(schema: schema)
            for instance in instances { print(Self.verdict(validator, instance).serialized()) }
        }
    }

    static func verdict(_ validator: JSONSchemaValidator, _ instance: JSONValue) -> JSONValue {
        let violations = validator.violations(instance)
        guard !violations.isEmpty else { return ["valid": true] }
        let listed = violations.map { violation -> JSONValue in
            ["pointer": .string(violation.pointer), "keyword": .string(violation.keyword), "message": .string(violation.message)]
        }
        return ["valid": false, "violations": .array(listed)]
    }
}
