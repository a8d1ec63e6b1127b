import MCPCore
import OrderedCollections

/// How one tool's arguments become one HTTP request: the executor's contract with the importer.
public struct OperationBinding: Sendable, Hashable {
    /// Upper-case HTTP method.
    public var method: String
    /// The path template as written in the document (`/pets/{petId}`).
    public var pathTemplate: String
    /// The operation's server URL (operation, path or document level), variables filled with defaults.
    public var serverURL: String?
    public var parameters: [ParameterBinding]
    public var body: BodyBinding?
    public var operationID: String?
    /// Where the operation sits in the document.
    public var pointer: String
    /// Arguments the configuration fixes (hidden from the client, always sent).
    public var fixedArguments: JSONObject
    /// The operation's security requirements: alternatives, each a list of scheme names that apply
    /// together (empty: no authentication needed).
    public var security: [[String]]
    /// The `Accept` header to send when the document declares which it allows (nil: the gateway's
    /// default, JSON first).
    public var accept: String?

    public init(
        method: String, pathTemplate: String, serverURL: String?, parameters: [ParameterBinding],
        body: BodyBinding?, operationID: String?, pointer: String, fixedArguments: JSONObject = [:], security: [[String]] = [],
        accept: String? = nil
    ) {
        self.security = security
        self.accept = accept
        self.fixedArguments = fixedArguments
        self.method = method
        self.pathTemplate = pathTemplate
        self.serverURL = serverURL
        self.parameters = parameters
        self.body = body
        self.operationID = operationID
        self.pointer = pointer
    }
}

/// Where a parameter travels.
public enum ParameterLocation: String, Sendable, Hashable, CaseIterable {
    case path, query, header, cookie
}

/// One parameter: which argument feeds it and how it is serialised.
public struct ParameterBinding: Sendable, Hashable {
    /// The argument name in the tool's input schema.
    public var argument: String
    /// The parameter's name on the wire.
    public var name: String
    public var location: ParameterLocation
    public var required: Bool
    /// OpenAPI `style` (defaults applied: `simple` for path/header, `form` for query/cookie).
    public var style: String
    public var explode: Bool
    public var allowReserved: Bool
    /// When the parameter uses `content` instead of `schema`: its media type (the value is serialised as such).
    public var contentMediaType: String?
    /// OpenAPI `allowEmptyValue` (query): whether `name=` may be sent for an empty string.
    public var allowEmptyValue: Bool

    public init(
        argument: String, name: String, location: ParameterLocation, required: Bool, style: String,
        explode: Bool, allowReserved: Bool = false, contentMediaType: String? = nil, allowEmptyValue: Bool = false
    ) {
        self.allowEmptyValue = allowEmptyValue
        self.argument = argument
        self.name = name
        self.location = location
        self.required = required
        self.style = style
        self.explode = explode
        self.allowReserved = allowReserved
        self.contentMediaType = contentMediaType
    }
}

/// The request body: its media type and which arguments make it up.
public struct BodyBinding: Sendable, Hashable {
    public enum Shape: Sendable, Hashable {
        /// The body is an object whose properties are top-level arguments (argument → property).
        case fields([FieldBinding])
        /// The whole body is one argument.
        case whole(argument: String)
    }

    public var mediaType: String
    public var required: Bool
    public var shape: Shape

    public init(mediaType: String, required: Bool, shape: Shape) {
        self.mediaType = mediaType
        self.required = required
        self.shape = shape
    }
}

/// One body property lifted to a top-level argument.
public struct FieldBinding: Sendable, Hashable {
    public var argument: String
    public var property: String
    /// A file part (`format: binary`): the argument carries base64, a data URL, or
    /// `{"data": base64, "filename": …, "contentType": …}`.
    public var isFile: Bool
    /// The form body's `encoding` for this property (OpenAPI `style`/`explode`), or nil when the
    /// document declares none (objects then go as `a[b]=c`, arrays as repeated keys).
    public var encoding: FieldEncoding?

    public init(argument: String, property: String, isFile: Bool = false, encoding: FieldEncoding? = nil) {
        self.argument = argument
        self.property = property
        self.isFile = isFile
        self.encoding = encoding
    }
}

/// How a form body property is serialised: an OpenAPI Encoding Object's `style` and `explode`
/// (Swagger 2.0's `collectionFormat` converts to these).
public struct FieldEncoding: Sendable, Hashable {
    /// `form`, `spaceDelimited`, `pipeDelimited` or `deepObject`.
    public var style: String
    public var explode: Bool

    public init(style: String, explode: Bool) {
        self.style = style
        self.explode = explode
    }
}
