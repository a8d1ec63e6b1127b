import ArgumentParser
import OpenAPIImport

/// Flags that shape an import, shared by `import` and `stdio`.
struct ImportFlags: ParsableArguments {
    @Option(name: .long, help: "Base URL of the API; overrides the document's servers.")
    var baseURL: String?

    @Option(name: .long, help: "Longest tool name (clients that prepend a server name need less than 64).")
    var maxNameLength: Int = 64

    @Option(name: .long, help: "Prefix for every tool name.")
    var namePrefix: String = ""

    @Flag(name: .long, help: "Declare outputSchema for operations whose 2xx JSON answer is an object.")
    var outputSchemas = false

    var options: ImportOptions {
        ImportOptions(baseURL: baseURL, maxNameLength: maxNameLength, namePrefix: namePrefix, outputSchemas: outputSchemas)
    }
}
