/// Hands out argument names for one tool: valid for every model API (`^[a-zA-Z0-9_.-]{1,64}$`),
/// unique, and deterministic — a later parameter that collides with an earlier one gets its
/// location as a suffix (`id_query`, `name_body`).
struct ArgumentNames {
    private var taken: Set<String> = []

    mutating func claim(_ wireName: String, location: String) -> String {
        let base = Self.sanitize(wireName)
        if taken.insert(base).inserted { return base }
        var candidate = String("\(base)_\(location)".prefix(64))
        var counter = 2
        while !taken.insert(candidate).inserted {
            candidate = String("\(base)_\(location)_\(counter)".prefix(64))
            counter += 1
        }
        return candidate
    }

    static func sanitize(_ name: String) -> String {
        var output = ""
        for scalar in name.unicodeScalars {
            let valid = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_.-".unicodeScalars.contains(scalar))
            output.unicodeScalars.append(valid ? scalar : "_")
        }
        while output.hasSuffix("_") && output.count > 1 { output.removeLast() }
        if output.isEmpty || output.allSatisfy({ $0 == "_" }) { output = "arg" }
        return String(output.prefix(64))
    }
}
