/// One compact JSON object written member by member, in the order they are given, straight to
/// bytes (no `JSONValue` tree to build first).
package struct JSONObjectWriter {
    private var output: [UInt8]

    package init(capacity: Int) {
        output = [UInt8(ascii: "{")]
        output.reserveCapacity(capacity)
    }

    package mutating func key(_ key: String) {
        if output.count > 1 { output.append(UInt8(ascii: ",")) }
        JSONValue.writeString(key, to: &output)
        output.append(UInt8(ascii: ":"))
    }

    package mutating func string(_ key: String, _ value: String) {
        self.key(key)
        JSONValue.writeString(value, to: &output)
    }

    package mutating func number(_ key: String, _ value: Double) {
        self.key(key)
        JSONValue.writeNumber(value, to: &output)
    }

    /// A value already in JSON (a literal, an integer's digits, a nested object).
    package mutating func literal(_ key: String, _ json: String) {
        self.key(key)
        output.append(contentsOf: json.utf8)
    }

    package mutating func raw(_ json: [UInt8]) {
        output.append(contentsOf: json)
    }

    package consuming func finish() -> [UInt8] {
        output.append(UInt8(ascii: "}"))
        return output
    }
}
