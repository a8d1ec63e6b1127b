import Foundation
import GatewayCore
import MCPCore

/// Reads a server's `openapi:` section: the document, import choices, upstream credentials and limits.
enum OpenAPISourceReader {
    static let fields = [
        "spec", "base_url", "remote_refs", "output_schemas", "name_prefix", "max_name_length", "max_description_length",
        "include", "exclude", "tools", "auth", "headers", "forward_headers", "allow_hosts", "allow_private_hosts", "timeout",
        "max_response_bytes",
    ]

    static func read(_ node: ConfigNode, folder: String) throws(ConfigurationError) -> OpenAPISource {
        let fields = try node.object(allowed: fields)
        guard let specNode = fields["spec"] else { throw node.error(.missingField, "'spec' is required: a file path or an http(s) URL") }
        var spec = try specNode.string()
        let isURL = spec.hasPrefix("http://") || spec.hasPrefix("https://")
        if !isURL {
            if !spec.hasPrefix("/"), !folder.isEmpty { spec = (folder as NSString).appendingPathComponent(spec) }
            guard FileManager.default.fileExists(atPath: spec) else { throw specNode.error(.invalidValue, "no such file: \(spec)") }
        }
        var source = OpenAPISource(spec: spec)
        var options = ImportOptions()
        if let value = fields["base_url"] {
            let url = try value.string()
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw value.error(.invalidValue, "expected an http(s) URL, found '\(url)'") }
            options.baseURL = url
        }
        if let value = fields["remote_refs"] { source.remoteReferences = try value.bool() }
        if let value = fields["output_schemas"] { options.outputSchemas = try value.bool() }
        if let value = fields["name_prefix"] { options.namePrefix = try value.string() }
        if let value = fields["max_name_length"] { options.maxNameLength = try value.int(in: 8...128) }
        if let value = fields["max_description_length"] { options.maxDescriptionLength = try value.int(in: 0...100_000) }
        if let value = fields["include"] {
            let include = try value.object(allowed: ["tags", "operations", "methods", "paths"])
            options.selection.includeTags = try include["tags"]?.strings() ?? []
            options.selection.includeOperations = try include["operations"]?.strings() ?? []
            options.selection.methods = try include["methods"]?.strings() ?? []
            options.selection.includePaths = try include["paths"]?.strings() ?? []
        }
        if let value = fields["exclude"] {
            let exclude = try value.object(allowed: ["tags", "operations", "paths"])
            options.selection.excludeTags = try exclude["tags"]?.strings() ?? []
            options.selection.excludeOperations = try exclude["operations"]?.strings() ?? []
            options.selection.excludePaths = try exclude["paths"]?.strings() ?? []
        }
        if let value = fields["tools"] { options.overrides = try overrides(value) }
        source.importOptions = options
        source.credentials = try credentials(auth: fields["auth"], headers: fields["headers"], forward: fields["forward_headers"])
        if let value = fields["allow_hosts"] { source.allowedHosts = try value.strings() }
        if let value = fields["allow_private_hosts"] { source.privateHosts = try value.strings() }
        if let value = fields["timeout"] { source.timeout = try value.seconds() }
        if let value = fields["max_response_bytes"] { source.maxResponseBytes = try value.int(in: 1024...(1 << 30)) }
        return source
    }

    /// `tools: { getPet: { name: ..., description: ..., fixed_arguments: {...} } }`, keyed by operationId or tool name.
    static func overrides(_ node: ConfigNode) throws(ConfigurationError) -> [String: ToolOverride] {
        guard case .object(let members) = node.value else { throw node.error(.invalidValue, "expected a mapping of operationId to changes") }
        var result: [String: ToolOverride] = [:]
        for (key, member) in members {
            let child = node.child(key, member)
            let fields = try child.object(allowed: ["name", "description", "fixed_arguments"])
            var change = ToolOverride()
            change.name = try fields["name"]?.string()
            change.description = try fields["description"]?.string()
            if let fixed = fields["fixed_arguments"] {
                guard case .object(let arguments) = fixed.value else { throw fixed.error(.invalidValue, "expected a mapping of argument names to values") }
                change.fixedArguments = try substituted(arguments, node: fixed)
            }
            result[key] = change
        }
        return result
    }

    /// Fixed argument values with `${VAR}` substituted in their strings.
    private static func substituted(_ object: JSONObject, node: ConfigNode) throws(ConfigurationError) -> JSONObject {
        var result = object
        for (key, value) in object {
            let child = node.child(key, value)
            switch value {
            case .string: result[key] = .string(try child.string())
            case .object(let nested): result[key] = .object(try substituted(nested, node: child))
            default: break
            }
        }
        return result
    }

    static func credentials(auth: ConfigNode?, headers: ConfigNode?, forward: ConfigNode?) throws(ConfigurationError) -> UpstreamCredentials {
        var credentials = UpstreamCredentials()
        if let auth {
            let fields = try auth.object(allowed: ["bearer", "basic", "api_key", "oauth2"])
            credentials.bearerToken = try fields["bearer"]?.string()
            if let basic = fields["basic"] {
                let parts = try basic.object(allowed: ["username", "password"])
                guard let user = parts["username"], let password = parts["password"] else {
                    throw basic.error(.missingField, "'username' and 'password' are both required")
                }
                credentials.basic = (try user.string(), try password.string())
            }
            if let key = fields["api_key"] {
                if case .object(let members) = key.value {
                    for (scheme, value) in members { credentials.apiKeys[scheme] = try key.child(scheme, value).string() }
                } else {
                    credentials.apiKeys["*"] = try key.string()
                }
            }
            if let oauth = fields["oauth2"] {
                let parts = try oauth.object(allowed: ["token_url", "client_id", "client_secret", "scopes"])
                guard let id = parts["client_id"], let secret = parts["client_secret"] else {
                    throw oauth.error(.missingField, "'client_id' and 'client_secret' are both required")
                }
                credentials.clientCredentials = OAuth2ClientCredentials(
                    tokenURL: try parts["token_url"]?.string(), clientID: try id.string(), clientSecret: try secret.string(),
                    scopes: try parts["scopes"]?.strings() ?? []
                )
            }
        }
        if let headers {
            guard case .object(let members) = headers.value else { throw headers.error(.invalidValue, "expected a mapping of header names to values") }
            for (name, value) in members { credentials.headers.append((name, try headers.child(name, value).string())) }
        }
        if let forward {
            for item in try forward.array() {
                if case .object = item.value {
                    let parts = try item.object(allowed: ["from", "to"])
                    guard let from = parts["from"] else { throw item.error(.missingField, "'from' is required") }
                    credentials.passthrough.append(HeaderPassthrough(name: try from.string(), renameTo: try parts["to"]?.string()))
                } else {
                    credentials.passthrough.append(HeaderPassthrough(name: try item.string()))
                }
            }
        }
        return credentials
    }
}
