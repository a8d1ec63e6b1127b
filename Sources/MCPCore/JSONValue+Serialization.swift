import Foundation

extension JSONValue {
    /// Compact JSON text (no newlines, so it is safe for newline-delimited transports).
    public func serialized() -> String {
        var output = [UInt8]()
        output.reserveCapacity(256)
        write(to: &output, pretty: false, indent: 0)
        return String(decoding: output, as: UTF8.self)
    }

    /// Compact JSON as UTF-8 bytes.
    public func serializedBytes() -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(256)
        write(to: &output, pretty: false, indent: 0)
        return output
    }

    /// Indented JSON text for people.
    public func prettySerialized() -> String {
        var output = [UInt8]()
        write(to: &output, pretty: true, indent: 0)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends this value's JSON encoding to `output`.
    public func write(to output: inout [UInt8], pretty: Bool = false, indent: Int = 0) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let bool): output.append(contentsOf: (bool ? "true" : "false").utf8)
        case .int(let int): output.append(contentsOf: String(int).utf8)
        case .double(let double): Self.writeNumber(double, to: &output)
        case .string(let string): Self.writeString(string, to: &output)
        case .array(let array):
            output.append(UInt8(ascii: "["))
            for (position, element) in array.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                if pretty { Self.newline(indent + 1, &output) }
                element.write(to: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty, !array.isEmpty { Self.newline(indent, &output) }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            var first = true
            for (key, value) in object {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                if pretty { Self.newline(indent + 1, &output) }
                Self.writeString(key, to: &output)
                output.append(UInt8(ascii: ":"))
                if pretty { output.append(UInt8(ascii: " ")) }
                value.write(to: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty, !object.isEmpty { Self.newline(indent, &output) }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ indent: Int, _ output: inout [UInt8]) {
        output.append(0x0A)
        for _ in 0..<indent { output.append(contentsOf: [0x20, 0x20]) }
    }

    /// A JSON number: integral values in integer notation (so strict readers see an integer), the
    /// shortest round-tripping text otherwise; `null` for what JSON cannot say (NaN, infinities).
    static func writeNumber(_ double: Double, to output: inout [UInt8]) {
        guard double.isFinite else { return output.append(contentsOf: "null".utf8) }
        if double.rounded() == double, abs(double) < 1e15 {
            output.append(contentsOf: String(Int64(double)).utf8)
        } else if double.rounded() == double {
            output.append(contentsOf: String(format: "%.0f", double).utf8)
        } else {
            output.append(contentsOf: "\(double)".utf8)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string: runs of bytes that need no escape are copied whole (most text is one run).
    static func writeString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                runStart = index + 1
                // Byte by byte: an array literal here would be a heap array per escape, and JSON
                // text stored as a string (audit payloads) escapes every quote.
                output.append(0x5C)
                switch byte {
                case 0x22: output.append(0x22)
                case 0x5C: output.append(0x5C)
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                case 0x09: output.append(UInt8(ascii: "t"))
                default:
                    output.append(UInt8(ascii: "u"))
                    output.append(0x30)
                    output.append(0x30)
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0x0F)])
                }
            }
            if runStart < bytes.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        output.append(UInt8(ascii: "\""))
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { serialized() }
}
