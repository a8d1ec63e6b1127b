import OpenAPIImport
import RESTUpstream

/// Imports a document from a file path or an `http(s)` URL (size-capped, with a timeout).
/// Remote `$ref` targets are fetched only when the document itself came from a URL, or with
/// `--remote-refs`.
enum SpecLoader {
    static func load(_ spec: String, options: ImportOptions, remoteReferences: Bool = false) async throws(ImportError) -> ImportResult {
        let isURL = spec.hasPrefix("http://") || spec.hasPrefix("https://")
        guard isURL || remoteReferences else {
            return try OpenAPIImporter(options: options).importDocument(path: spec)
        }
        let client = RESTExecutor.makeHTTPClient(connectTimeout: .seconds(10))
        let fetcher = DocumentFetcher(client: client)
        let importer = OpenAPIImporter(options: options, loader: DocumentLoader(fetchRemote: { url throws(ImportError) in try fetcher.fetchBlocking(url) }))
        let result: Result<ImportResult, ImportError>
        do {
            let root = isURL ? try importer.loader.parse(try await fetcher.fetch(spec), name: spec) : try importer.loader.load(path: spec)
            result = .success(try importer.importDocument(root, location: spec))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        return try result.get()
    }
}
