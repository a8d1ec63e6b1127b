import GatewayCore
import MCPCore
import NIOPosix
import OpenAPIImport
import RESTUpstream

/// Imports a document from a file path or an `http(s)` URL (size-capped, with a timeout).
/// Remote `$ref` targets are fetched only when the document itself came from a URL, or with
/// `--remote-refs`.
public enum SpecLoader {
    public static func load(_ spec: String, options: ImportOptions, remoteReferences: Bool = false) async throws(ImportError) -> ImportResult {
        let isURL = spec.hasPrefix("http://") || spec.hasPrefix("https://")
        guard isURL || remoteReferences else {
            return try OpenAPIImporter(options: options).importDocument(path: spec)
        }
        let client = RESTExecutor.makeHTTPClient(connectTimeout: .seconds(10))
        let fetcher = DocumentFetcher(client: client)
        let importer = OpenAPIImporter(options: options, loader: DocumentLoader(fetchRemote: { url throws(ImportError) in try fetcher.fetchBlocking(url) }))
        var result: Result<ImportResult, ImportError>
        do {
            let text = isURL ? try await fetcher.fetch(spec) : nil
            // Remote `$ref`s are fetched blocking, so the import runs on a thread pool thread: never
            // on an event loop, which also runs this process's async code.
            let work: @Sendable () -> Result<ImportResult, ImportError> = {
                do {
                    let root: JSONValue
                    if let text { root = try importer.loader.parse(text, name: spec) } else { root = try importer.loader.load(path: spec) }
                    return .success(try importer.importDocument(root, location: spec))
                } catch let error as ImportError {
                    return .failure(error)
                } catch {
                    return .failure(ImportError(.unreadable, "\(spec): \(error)"))
                }
            }
            result = (try? await NIOThreadPool.singleton.runIfActive(work)) ?? .failure(ImportError(.unreadable, "\(spec): the import thread pool is shut down"))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        return try result.get()
    }
}
