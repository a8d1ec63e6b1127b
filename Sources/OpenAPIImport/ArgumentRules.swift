/// The patterns the importer adds to tools' schemas so they state what a request can carry,
/// with the words a refusal uses for each (a model acts on "cannot be empty" better than on a
/// regular expression).
public enum ArgumentRules {
    /// A path value needs a character other than `.`: an empty, `.` or `..` segment would change
    /// the request path (one pattern rather than `minLength` plus a `not`, to keep schemas short).
    public static let pathSegmentPattern = "[^.]"

    /// Characters a header value cannot hold (CR, LF and the other controls; tab is allowed).
    public static let headerControlCharacters = "[\\x00-\\x08\\x0A-\\x1F\\x7F]"

    /// Standard base64 with its padding (what the gateway decodes). `$` admits one trailing line
    /// feed, which the encoder drops.
    public static let base64Pattern = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"

    /// Base64, optionally after a `data:…;base64,` prefix (file arguments).
    public static let base64OrDataURLPattern = "^(?:data:[^,]*;base64,)?(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"

    /// What a value failing each pattern is told (`not:` + pattern: a value matching it).
    public static let meanings: [String: String] = [
        pathSegmentPattern: "needs a character other than '.' (it is a path segment: empty, '.' or '..' would change the path)",
        "not:" + headerControlCharacters: "cannot contain control characters such as CR or LF (it is a header value)",
        base64Pattern: "must be base64-encoded (standard alphabet, with = padding)",
        base64OrDataURLPattern: "must be base64-encoded (standard alphabet, with = padding) or a data: URL with base64 content",
    ]
}
