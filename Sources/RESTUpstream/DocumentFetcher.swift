import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import OpenAPIImport

/// Fetches an OpenAPI document from an `http(s)` URL with a size cap and a timeout.
public struct DocumentFetcher: Sendable {
    let client: HTTPClient
    public var maxBytes: Int
    public var timeout: Duration

    public init(client: HTTPClient, maxBytes: Int = 32 << 20, timeout: Duration = .seconds(30)) {
        self.client = client
        self.maxBytes = maxBytes
        self.timeout = timeout
    }

    /// The document's bytes; every failure is an `ImportError` naming the URL.
    public func fetch(_ url: String) async throws(ImportError) -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json, application/yaml, text/yaml, */*;q=0.5")
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            guard (200..<300).contains(Int(response.status.code)) else {
                throw ImportError(.unreadable, "\(url): HTTP \(response.status.code) \(response.status.reasonPhrase)")
            }
            if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBytes {
                throw ImportError(.unreadable, "\(url): the document is \(length) bytes, over the \(maxBytes)-byte limit")
            }
            var bytes = [UInt8]()
            for try await chunk in response.body {
                guard bytes.count + chunk.readableBytes <= maxBytes else {
                    throw ImportError(.unreadable, "\(url): the document exceeds the \(maxBytes)-byte limit")
                }
                bytes += chunk.readableBytesView
            }
            return bytes
        } catch let error as ImportError {
            throw error
        } catch {
            throw ImportError(.unreadable, "\(url): \(RESTExecutor.describe(error, timeout: timeout))", underlying: error)
        }
    }

    /// The same, blocking the calling thread (for the importer's synchronous `$ref` resolution:
    /// the request runs on the client's event loops, never on the caller's thread pool).
    public func fetchBlocking(_ url: String) throws(ImportError) -> [UInt8] {
        do {
            let request = try HTTPClient.Request(url: url, method: .GET, headers: ["Accept": "application/json, application/yaml, */*;q=0.5"])
            let delegate = ResponseAccumulator(request: request, maxBodySize: maxBytes)
            let response = try client.execute(request: request, delegate: delegate, deadline: .now() + .init(timeout)).futureResult.wait()
            guard (200..<300).contains(Int(response.status.code)) else {
                throw ImportError(.unreadable, "\(url): HTTP \(response.status.code) \(response.status.reasonPhrase)")
            }
            return response.body.map { Array(buffer: $0) } ?? []
        } catch let error as ImportError {
            throw error
        } catch is ResponseAccumulator.ResponseTooBigError {
            throw ImportError(.unreadable, "\(url): the document exceeds the \(maxBytes)-byte limit")
        } catch {
            throw ImportError(.unreadable, "\(url): \(RESTExecutor.describe(error, timeout: timeout))", underlying: error)
        }
    }
}
