/// A JSON-RPC request id, kept with its JSON type so `"1"` and `1` stay distinct.
public enum JSONRPCID: Sendable, Hashable, CustomStringConvertible {
    case int(Int64)
    case string(String)

    /// The id as it appears on the wire.
    public var jsonValue: JSONValue {
        switch self {
        case .int(let int): return .int(int)
        case .string(let string): return .string(string)
        }
    }

    /// Reads an id from a JSON value; only strings and integers are ids.
    public init?(_ value: JSONValue) {
        switch value {
        case .int(let int): self = .int(int)
        case .string(let string): self = .string(string)
        case .double(let double) where double.rounded() == double && abs(double) < 9e15: self = .int(Int64(double))
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .int(let int): return String(int)
        case .string(let string): return "\"\(string)\""
        }
    }
}
