import ArgumentParser
import GatewayCore
import Foundation
import OpenAPIImport

/// Flags that shape an import, shared by `import` and `stdio`.
struct ImportFlags: ParsableArguments {
    @Option(name: .long, help: "Base URL of the API; overrides the document's servers.")
    var baseURL: String?

    func validate() throws {
        if let baseURL {
            guard let url = URLComponents(string: baseURL), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                url.host?.isEmpty == false
            else {
                throw ValidationError("--base-url: expected an http(s) URL with a host, e.g. https://api.example.com/v1; found '\(baseURL)'")
            }
        }
    }

    @Option(name: .long, help: "Longest tool name (clients that prepend a server name need less than 64).")
    var maxNameLength: Int = 64

    @Option(name: .long, help: "Prefix for every tool name.")
    var namePrefix: String = ""

    @Flag(name: .long, help: "Declare outputSchema for operations whose 2xx JSON answer is an object.")
    var outputSchemas = false

    @Option(name: .long, help: "Longest tool description, in characters.")
    var maxDescriptionLength: Int = 1024

    @Flag(name: .long, help: "Follow $refs to http(s) URLs (always on for a document fetched from a URL).")
    var remoteRefs = false

    @Option(name: .long, help: "Keep only operations with this tag (repeatable).")
    var includeTag: [String] = []

    @Option(name: .long, help: "Leave out operations with this tag (repeatable).")
    var excludeTag: [String] = []

    @Option(name: .long, help: "Keep only operations whose operationId matches this glob (repeatable).")
    var includeOperation: [String] = []

    @Option(name: .long, help: "Leave out operations whose operationId matches this glob (repeatable).")
    var excludeOperation: [String] = []

    @Option(name: .long, help: "Keep only operations with this HTTP method (repeatable).")
    var includeMethod: [String] = []

    @Option(name: .long, help: "Keep only operations whose path matches this glob, e.g. '/pets*' (repeatable).")
    var includePath: [String] = []

    @Option(name: .long, help: "Leave out operations whose path matches this glob (repeatable).")
    var excludePath: [String] = []

    var options: ImportOptions {
        let selection = ToolSelection(
            includeTags: includeTag, excludeTags: excludeTag, includeOperations: includeOperation, excludeOperations: excludeOperation,
            methods: includeMethod, includePaths: includePath, excludePaths: excludePath
        )
        return ImportOptions(
            baseURL: baseURL, maxNameLength: maxNameLength, namePrefix: namePrefix, maxDescriptionLength: maxDescriptionLength,
            outputSchemas: outputSchemas, selection: selection
        )
    }
}
