import HTTPTypes

extension HTTPFields {
    /// The value of the field `name`, as `self[name]` gives it (repeated fields joined with ", "),
    /// without that subscript's generic join for the usual single field (measurable on the tool-call
    /// path: BENCHMARKS.md). Not for `Cookie`, whose fields join with "; ".
    func value(_ name: HTTPField.Name) -> String? {
        var first: String?
        var more: [String] = []
        for field in self where field.name == name {
            if first == nil { first = field.value } else { more.append(field.value) }
        }
        guard let first else { return nil }
        return more.isEmpty ? first : ([first] + more).joined(separator: ", ")
    }
}
