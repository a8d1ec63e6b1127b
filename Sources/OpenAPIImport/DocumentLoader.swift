import Foundation
import MCPCore
import YAMLReader

/// Reads OpenAPI documents (JSON or YAML) into `JSONValue` trees.
public struct DocumentLoader: Sendable {
    /// Documents larger than this are refused.
    public var maxBytes: Int
    /// Fetches `http(s)` documents (remote `$ref` targets). Nil: remote references are not followed.
    public var fetchRemote: (@Sendable (String) throws(ImportError) -> [UInt8])?

    public init(maxBytes: Int = 64 << 20, fetchRemote: (@Sendable (String) throws(ImportError) -> [UInt8])? = nil) {
        self.maxBytes = maxBytes
        self.fetchRemote = fetchRemote
    }

    /// Reads and parses a file path or, when a fetcher is set, an `http(s)` URL.
    public func load(location: String) throws(ImportError) -> JSONValue {
        guard location.hasPrefix("http://") || location.hasPrefix("https://") else { return try load(path: location) }
        guard let fetchRemote else {
            throw ImportError(.unreadable, "\(location): remote references are not fetched (no fetcher configured)")
        }
        return try parse(try fetchRemote(location), name: location)
    }

    /// Reads and parses a file.
    public func load(path: String) throws(ImportError) -> JSONValue {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? Int, size > maxBytes {
                throw ImportError(.unreadable, "\(path): the document is \(size) bytes, over the \(maxBytes)-byte limit")
            }
            data = try Data(contentsOf: url)
        } catch let error as ImportError {
            throw error
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
            throw ImportError(.unreadable, "\(path): \(reason)", underlying: error)
        }
        return try parse(data, name: path)
    }

    /// Parses document bytes: JSON when the first non-blank character opens an object, YAML otherwise.
    public func parse(_ data: Data, name: String) throws(ImportError) -> JSONValue {
        try parse([UInt8](data), name: name)
    }

    /// Parses document bytes: JSON when the first non-blank character opens an object, YAML otherwise.
    public func parse(_ bytes: [UInt8], name: String) throws(ImportError) -> JSONValue {
        guard bytes.count <= maxBytes else {
            throw ImportError(.unreadable, "\(name): the document is \(bytes.count) bytes, over the \(maxBytes)-byte limit")
        }
        let firstByte = bytes.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        if firstByte == UInt8(ascii: "{") {
            do {
                return try JSONParser().parse(bytes)
            } catch {
                throw ImportError(.unparseable, "\(name): invalid JSON: \(error.description)", underlying: error)
            }
        }
        let value: JSONValue
        do {
            value = try YAMLReader.parse(bytes)
        } catch {
            throw ImportError(.unparseable, "\(name): invalid YAML: \(error.description)", underlying: error)
        }
        if value.isNull { throw ImportError(.unparseable, "\(name): the document is empty") }
        return value
    }
}
