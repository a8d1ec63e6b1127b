extension JSONValue {
    /// The same value with every string (and, with `keys`, every object key) passed through `transform`.
    public func mappingStrings(keys: Bool = false, _ transform: (String) -> String) -> JSONValue {
        switch self {
        case .string(let text): return .string(transform(text))
        case .array(let items): return .array(items.map { $0.mappingStrings(keys: keys, transform) })
        case .object(let members):
            var mapped = JSONObject()
            for (key, member) in members { mapped[keys ? transform(key) : key] = member.mappingStrings(keys: keys, transform) }
            return .object(mapped)
        default: return self
        }
    }
}
