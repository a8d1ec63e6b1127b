/// The one fatal import failure: the document cannot be read or is not OpenAPI at all.
public struct ImportError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The file or URL could not be read.
        public static let unreadable = Code(rawValue: "unreadable")
        /// The bytes are neither valid JSON nor valid YAML.
        public static let unparseable = Code(rawValue: "unparseable")
        /// The document is not an OpenAPI 3.x or Swagger 2.0 document.
        public static let notOpenAPI = Code(rawValue: "not_openapi")
    }

    public var code: Code
    public var message: String
    public var underlying: (any Error)?

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
}
