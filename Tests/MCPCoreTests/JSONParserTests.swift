import MCPCore
import Testing

@Suite("JSON parser and serializer")
struct JSONParserTests {
    let parser = JSONParser()

    @Test("keeps object key order and the integer/float distinction")
    func orderAndNumbers() throws {
        let value = try parser.parse(#"{"z":1,"a":2.5,"m":-0,"big":12345678901234,"e":1e3}"#)
        #expect(value.objectValue.map { Array($0.keys) } == ["z", "a", "m", "big", "e"])
        #expect(value["z"] == .int(1))
        #expect(value["a"] == .double(2.5))
        #expect(value["big"] == .int(12_345_678_901_234))
        #expect(value["e"] == .double(1000))
        #expect(value.serialized() == #"{"z":1,"a":2.5,"m":0,"big":12345678901234,"e":1000}"#)
    }

    @Test("reads integers of every length exactly, to Int64's ends, and larger ones as doubles")
    func integerLengths() throws {
        var digits = ""
        for length in 1...19 {
            digits += String(length % 10)
            for text in [digits, "-" + digits] {
                #expect(try parser.parse(text) == .int(Int64(text)!), "\(text)")
            }
        }
        #expect(try parser.parse("9223372036854775807") == .int(.max))
        #expect(try parser.parse("-9223372036854775808") == .int(.min))
        #expect(try parser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try parser.parse("[999999999999999999,-999999999999999999]") == [.int(999_999_999_999_999_999), .int(-999_999_999_999_999_999)])
    }

    @Test("a repeated key keeps its first place and its last value, in small and large objects")
    func repeatedKeys() throws {
        #expect(try parser.parse(#"{"a":1,"b":2,"a":3}"#).serialized() == #"{"a":3,"b":2}"#)
        let many = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let value = try parser.parse("{" + many + #","k0":"last","k39":null}"#)
        #expect(value.objectValue?.count == 40 && value["k0"] == "last" && value["k39"] == .null && value.objectValue?.keys.first == "k0")
    }

    @Test("decodes escapes and surrogate pairs, and re-escapes control characters")
    func escapes() throws {
        let value = try parser.parse(#"["a\"b\\c\/d\n\t", "\u00e9\ud83d\ude00", "\u0001"]"#)
        #expect(value.arrayValue?[0] == .string("a\"b\\c/d\n\t"))
        #expect(value.arrayValue?[1] == .string("é😀"))
        #expect(value.serialized() == #"["a\"b\\c/d\n\t","é😀","\u0001"]"#)
    }

    @Test(
        "refuses invalid JSON with the offset of the problem",
        arguments: [
            ("{bad", 1), ("[1,]", 3), ("{\"a\" 1}", 5), ("01", 1), ("\"unterminated", 13), ("tru", 0), ("[1] x", 4),
            ("\"\u{01}\"", 1), ("1.", 2), ("{\"a\":1,}", 7),
        ]
    )
    func invalid(text: String, offset: Int) {
        #expect {
            _ = try parser.parse(text)
        } throws: { error in
            (error as? JSONParseError)?.offset == offset
        }
    }

    @Test("strings are validated as UTF-8: ASCII, multi-byte and invalid bytes, with and without escapes")
    func utf8Strings() throws {
        let parser = JSONParser()
        #expect(try parser.parse(Array(#"["plain","zoë","日本","a\nb é"]"#.utf8)) == .array(["plain", "zoë", "日本", "a\nb é"]))
        for invalid: [UInt8] in [[0xFF], [0x61, 0xC3], [0xC3, 0x28], [0x5C, 0x6E, 0xFF], [0xED, 0xA0, 0x80]] {
            let document = Array("[\"".utf8) + invalid + Array("\"]".utf8)
            #expect(throws: JSONParseError.self, "bytes \(invalid)") { try parser.parse(document) }
        }
    }

    @Test("refuses nesting deeper than the limit instead of overflowing the stack")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try parser.parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try parser.parse(fine) }
    }

    @Test("round-trips through serialization")
    func roundTrip() throws {
        let text = #"{"a":[1,2,{"b":null,"c":true,"d":false}],"e":"x y","f":-3.25}"#
        let value = try parser.parse(text)
        #expect(try parser.parse(value.serialized()) == value)
        #expect(try parser.parse(value.prettySerialized()) == value)
        #expect(!value.serialized().contains("\n"))
    }
}
