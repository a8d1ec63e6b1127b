import Foundation
import MCPCore

/// Which operations become tools: include/exclude by tag, operationId (glob), method and path (glob).
///
/// An operation is kept when it passes every include list that is not empty and matches no
/// exclude list. Globs follow `fnmatch(3)`: `*` any run of characters, `?` one, `[...]` a set.
public struct ToolSelection: Sendable, Hashable {
    public var includeTags: [String]
    public var excludeTags: [String]
    public var includeOperations: [String]
    public var excludeOperations: [String]
    public var methods: [String]
    public var includePaths: [String]
    public var excludePaths: [String]

    public init(
        includeTags: [String] = [], excludeTags: [String] = [], includeOperations: [String] = [], excludeOperations: [String] = [],
        methods: [String] = [], includePaths: [String] = [], excludePaths: [String] = []
    ) {
        self.includeTags = includeTags
        self.excludeTags = excludeTags
        self.includeOperations = includeOperations
        self.excludeOperations = excludeOperations
        self.methods = methods
        self.includePaths = includePaths
        self.excludePaths = excludePaths
    }

    /// True when nothing is filtered.
    public var isEmpty: Bool { self == ToolSelection() }

    /// Whether an operation passes the selection.
    public func admits(method: String, path: String, operationID: String?, tags: [String]) -> Bool {
        let operation = operationID ?? ""
        if !includeTags.isEmpty, !tags.contains(where: includeTags.contains) { return false }
        if tags.contains(where: excludeTags.contains) { return false }
        if !methods.isEmpty, !methods.contains(where: { $0.lowercased() == method.lowercased() }) { return false }
        if !includeOperations.isEmpty, !includeOperations.contains(where: { Self.glob($0, operation) }) { return false }
        if excludeOperations.contains(where: { Self.glob($0, operation) }) { return false }
        if !includePaths.isEmpty, !includePaths.contains(where: { Self.glob($0, path) }) { return false }
        if excludePaths.contains(where: { Self.glob($0, path) }) { return false }
        return true
    }

    static func glob(_ pattern: String, _ text: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }
}

/// Per-operation changes from configuration, keyed by operationId (or by the generated tool name).
public struct ToolOverride: Sendable, Hashable {
    /// A new tool name (still made valid and unique).
    public var name: String?
    public var description: String?
    /// Arguments hidden from the client and always sent with these values.
    public var fixedArguments: JSONObject

    public init(name: String? = nil, description: String? = nil, fixedArguments: JSONObject? = nil) {
        self.name = name
        self.description = description
        self.fixedArguments = fixedArguments ?? [:]
    }
}
