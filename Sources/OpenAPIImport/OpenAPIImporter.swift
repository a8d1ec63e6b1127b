import Foundation
import GatewayCore
import MCPCore

/// Imports an OpenAPI document as MCP tools: load → detect version → translate schemas →
/// build arguments and bindings → name. Every stage records `Diagnostic`s and keeps going; only
/// an unreadable document, or one that is not OpenAPI, is fatal.
public struct OpenAPIImporter: Sendable {
    public var options: ImportOptions
    public var loader: DocumentLoader

    public init(options: ImportOptions = ImportOptions(), loader: DocumentLoader = DocumentLoader()) {
        self.options = options
        self.loader = loader
    }

    /// Imports the document at a file path.
    public func importDocument(path: String) throws(ImportError) -> ImportResult {
        let root = try loader.load(path: path)
        return try importDocument(root, location: path)
    }

    /// Imports a document given as bytes (fetched from `location`, a URL or a path).
    public func importDocument(bytes: [UInt8], location: String) throws(ImportError) -> ImportResult {
        let root = try loader.parse(bytes, name: location)
        return try importDocument(root, location: location)
    }

    /// Imports an already parsed document; `location` (a path or URL) resolves relative server URLs.
    public func importDocument(_ root: JSONValue, location: String? = nil) throws(ImportError) -> ImportResult {
        guard case .object = root else {
            throw ImportError(.notOpenAPI, "\(location ?? "document"): the document's root is not an object, so it is not an OpenAPI document")
        }
        let version: String
        if let openapi = root["openapi"]?.stringValue, openapi.hasPrefix("3.") {
            version = openapi
        } else if let swagger = root["swagger"], swagger.stringValue == "2.0" || swagger.doubleValue == 2.0 {
            version = "2.0"
        } else if let openapi = root["openapi"] {
            throw ImportError(.notOpenAPI, "\(location ?? "document"): unsupported OpenAPI version '\(openapi.stringValue ?? openapi.serialized())'; 3.0.x, 3.1.x and Swagger 2.0 are supported")
        } else {
            throw ImportError(.notOpenAPI, "\(location ?? "document"): no 'openapi' or 'swagger' field, so it is not an OpenAPI document")
        }
        var early = DiagnosticLog()
        var document = root
        var origins: [String: String] = [:]
        if let location, !location.contains("://") || loader.fetchRemote != nil {
            var bundler = ExternalReferenceBundler(loader: loader)
            document = bundler.bundle(root, location: location)
            early.append(contentsOf: bundler.diagnostics)
            origins = bundler.origins
        }
        let run = ImportRun(root: document, version: version, location: location, options: options, diagnostics: early)
        var result = run.run()
        if !origins.isEmpty {
            // Problems inside other files are named by their file and pointer, not the internal bundle's.
            for index in result.diagnostics.indices {
                result.diagnostics[index].pointer = ExternalReferenceBundler.located(result.diagnostics[index].pointer, origins: origins)
            }
        }
        return result
    }
}
