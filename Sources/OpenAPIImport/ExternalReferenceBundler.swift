import Foundation
import MCPCore

/// Makes a multi-file document self-contained: every `$ref` to another file (`common.yaml`,
/// `../models/pet.yaml#/Pet`) is loaded relative to the file that holds it, copied once under the
/// root's `x-toolgate-bundle`, and the reference is rewritten to point there. References stay
/// references, so cycles across files cost nothing; the rest of the importer sees one document.
///
/// `$ref`s inside examples and vendor extensions are data, not references, and are left alone.
struct ExternalReferenceBundler {
    static let bundleKey = "x-toolgate-bundle"
    /// Members of these objects are names (of properties, paths, components...), not keywords.
    static let nameMaps: Set<String> = [
        "properties", "patternProperties", "definitions", "schemas", "parameters", "responses", "requestBodies",
        "headers", "securitySchemes", "links", "callbacks", "pathItems", "paths", "webhooks", "$defs", "content", "encoding",
    ]
    /// Top-level sections that never hold references we need.
    static let skippedSections: Set<String> = ["info", "tags", "externalDocs", "servers", "security"]

    let loader: DocumentLoader
    private(set) var diagnostics = DiagnosticLog()
    private var documents: [String: JSONValue] = [:]
    private var bundled: [String: String] = [:]
    private var bundle = JSONObject()
    private var pending: [(key: String, file: String, pointer: String)] = []
    private var usedNames: Set<String> = []
    private var rootFile: String?
    /// Each bundle entry's origin: the file (relative to the root document) and pointer it was
    /// copied from, so diagnostics can name where a problem really is.
    private(set) var origins: [String: String] = [:]
    /// Where each bundle entry was first referred to (file and pointer of the `$ref`).
    private var referrers: [String: String] = [:]

    init(loader: DocumentLoader) {
        self.loader = loader
    }

    /// Rewrites `root` (read from `location`) so that every external reference points into its bundle.
    mutating func bundle(_ root: JSONValue, location: String?) -> JSONValue {
        guard case .object(var object) = root, let location, Self.hasExternalReference(root) else { return root }
        let base = Self.isRemote(location) ? location : URL(fileURLWithPath: location).standardizedFileURL.path
        documents[base] = root
        rootFile = base
        for (key, value) in object where !Self.skippedSections.contains(key) && !key.hasPrefix("x-") {
            object[key] = rewrite(value, file: base, pointer: "/" + JSONPointer.escape(key), namesOnly: Self.nameMaps.contains(key))
        }
        while let next = pending.popLast() {
            // A target that cannot be had is reported where the `$ref` naming it is.
            let here = referrers[next.key] ?? "/\(Self.bundleKey)/\(JSONPointer.escape(next.key))"
            let display = relative(next.file) + (next.pointer.isEmpty ? "" : "#" + next.pointer)
            let target: JSONValue?
            switch load(next.file) {
            case .success(let document):
                target = JSONPointer.resolve(next.pointer, in: document)
                if target == nil { diagnostics.add(.error, here, "reference target '\(display)' does not exist") }
            case .failure(let error):
                target = nil
                diagnostics.add(.error, here, "reference target '\(display)' cannot be read: \(error.message.replacingOccurrences(of: next.file + ": ", with: ""))")
            }
            guard let target else {
                bundle[next.key] = .object([:])
                continue
            }
            bundle[next.key] = rewrite(target, file: next.file, pointer: next.pointer, namesOnly: false)
        }
        if !bundle.isEmpty { object[Self.bundleKey] = .object(bundle) }
        return .object(object)
    }

    /// A diagnostic pointer inside the bundle as the file and pointer it came from
    /// (`/x-toolgate-bundle/Pet/properties/id` → `models/pet.yaml#/Pet/properties/id`).
    static func located(_ pointer: String, origins: [String: String]) -> String {
        let prefix = "/\(bundleKey)/"
        guard pointer.hasPrefix(prefix) else { return pointer }
        let rest = pointer.dropFirst(prefix.count)
        let token = rest.prefix { $0 != "/" }
        guard let origin = origins[JSONPointer.unescape(String(token))] else { return pointer }
        let located = origin + rest.dropFirst(token.count)
        return located.hasSuffix("#") ? String(located.dropLast()) : located
    }

    /// A quick walk: does any `$ref` (outside examples and extensions) name another file?
    static func hasExternalReference(_ root: JSONValue) -> Bool {
        guard case .object(let object) = root else { return false }
        return object.contains { key, value in
            !skippedSections.contains(key) && !key.hasPrefix("x-") && containsExternal(value, namesOnly: nameMaps.contains(key))
        }
    }

    private static func containsExternal(_ value: JSONValue, namesOnly: Bool) -> Bool {
        switch value {
        case .object(let object):
            for (key, member) in object {
                if key == "$ref", case .string(let ref) = member, !ref.hasPrefix("#") { return true }
                if !namesOnly, key == "example" || key == "examples" || key.hasPrefix("x-") { continue }
                if containsExternal(member, namesOnly: !namesOnly && nameMaps.contains(key) && member.objectValue != nil) { return true }
            }
            return false
        case .array(let array):
            return array.contains { containsExternal($0, namesOnly: false) }
        default:
            return false
        }
    }

    private mutating func load(_ file: String) -> Result<JSONValue, ImportError> {
        if let document = documents[file] { return .success(document) }
        do {
            let document = try loader.load(location: file)
            documents[file] = document
            return .success(document)
        } catch {
            return .failure(error)
        }
    }

    static func isRemote(_ location: String) -> Bool {
        location.hasPrefix("http://") || location.hasPrefix("https://")
    }

    /// A path relative to the root document's folder, for messages.
    private func relative(_ file: String) -> String {
        guard let rootFile else { return file }
        let folder = Self.isRemote(rootFile)
            ? String(rootFile[...(rootFile.lastIndex(of: "/") ?? rootFile.startIndex)])
            : URL(fileURLWithPath: rootFile).deletingLastPathComponent().path + "/"
        return file.hasPrefix(folder) ? String(file.dropFirst(folder.count)) : file
    }

    private mutating func rewrite(_ value: JSONValue, file: String, pointer: String, namesOnly: Bool) -> JSONValue {
        switch value {
        case .object(let object):
            var out = JSONObject(minimumCapacity: object.count)
            for (key, member) in object {
                let here = pointer + "/" + JSONPointer.escape(key)
                if key == "$ref", case .string(let ref) = member {
                    // In a map of names too: `properties: {$ref: other.yaml}` is a (non-standard) reference to the map.
                    out[key] = .string(localReference(for: ref, from: file, at: here))
                } else if namesOnly {
                    out[key] = rewrite(member, file: file, pointer: here, namesOnly: false)
                } else if key == "example" || key == "examples" || key.hasPrefix("x-") {
                    out[key] = member
                } else {
                    out[key] = rewrite(member, file: file, pointer: here, namesOnly: Self.nameMaps.contains(key) && member.objectValue != nil)
                }
            }
            return .object(out)
        case .array(let array):
            return .array(array.enumerated().map { rewrite($1, file: file, pointer: pointer + "/\($0)", namesOnly: false) })
        default:
            return value
        }
    }

    /// The local pointer (`#/...`) a reference written in `file` should use.
    private mutating func localReference(for ref: String, from file: String, at pointer: String) -> String {
        let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let filePart = String(parts.first ?? "")
        let fragment = parts.count > 1 ? String(parts[1]) : ""
        let target: String
        if filePart.isEmpty {
            target = file
        } else if Self.isRemote(filePart) {
            target = filePart
        } else if Self.isRemote(file) {
            guard let resolved = URL(string: filePart, relativeTo: URL(string: file))?.absoluteURL.absoluteString else {
                diagnostics.add(.warning, pointer, "reference '\(ref)' cannot be resolved against \(file)")
                return ref
            }
            target = resolved
        } else {
            target = URL(fileURLWithPath: filePart.removingPercentEncoding ?? filePart, relativeTo: URL(fileURLWithPath: file).deletingLastPathComponent())
                .standardizedFileURL.path
        }
        if Self.isRemote(target), loader.fetchRemote == nil {
            diagnostics.add(.warning, pointer, "remote reference '\(ref)' is not fetched (remote references are off); the value accepts anything")
            return ref
        }
        if target == rootFile { return "#" + fragment }
        let key = target + "#" + fragment
        if let existing = bundled[key] { return "#/\(Self.bundleKey)/\(JSONPointer.escape(existing))" }
        let name = uniqueName(for: target, fragment: fragment)
        bundled[key] = name
        origins[name] = relative(target) + "#" + fragment
        referrers[name] = relative(file) + "#" + (pointer.hasSuffix("/$ref") ? String(pointer.dropLast(5)) : pointer)
        pending.append((name, target, fragment))
        return "#/\(Self.bundleKey)/\(JSONPointer.escape(name))"
    }

    private mutating func uniqueName(for file: String, fragment: String) -> String {
        let last = fragment.split(separator: "/").last.map { JSONPointer.unescape(String($0)) }
        var base = last ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        if base.isEmpty { base = "external" }
        var name = base
        var counter = 2
        while usedNames.contains(name) {
            name = "\(base)_\(counter)"
            counter += 1
        }
        usedNames.insert(name)
        return name
    }
}
