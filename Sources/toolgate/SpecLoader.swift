import OpenAPIImport
import RESTUpstream

/// Imports a document from a file path or an `http(s)` URL (size-capped, with a timeout).
enum SpecLoader {
    static func load(_ spec: String, options: ImportOptions) async throws(ImportError) -> ImportResult {
        let importer = OpenAPIImporter(options: options)
        guard spec.hasPrefix("http://") || spec.hasPrefix("https://") else {
            return try importer.importDocument(path: spec)
        }
        let client = RESTExecutor.makeHTTPClient(connectTimeout: .seconds(10))
        let fetched: Result<[UInt8], ImportError>
        do {
            fetched = .success(try await DocumentFetcher(client: client).fetch(spec))
        } catch {
            fetched = .failure(error)
        }
        try? await client.shutdown()
        return try importer.importDocument(bytes: fetched.get(), location: spec)
    }
}
