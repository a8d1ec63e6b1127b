import MCPCore
import Synchronization

/// Where each node of a YAML document starts (1-based line and column), by JSON pointer: a
/// mapping member at its key, a sequence element at itself. Lets a reader of configuration
/// files name the line of the field it rejects.
public final class YAMLPositions: Sendable {
    private let marks = Mutex<[String: (line: Int, column: Int)]>([:])

    public init() {}

    func record(_ pointer: String, _ mark: (line: Int, column: Int)) {
        marks.withLock { marks in
            if marks[pointer] == nil { marks[pointer] = mark }
        }
    }

    /// The position of the node at `pointer`, or of its nearest ancestor that has one.
    public func position(of pointer: String) -> (line: Int, column: Int)? {
        var current = pointer
        while true {
            if let mark = marks.withLock({ $0[current] }) { return mark }
            guard let slash = current.lastIndex(of: "/") else { return nil }
            current = String(current[..<slash])
        }
    }

    /// Parses YAML (or JSON, a subset) recording every node's position.
    public static func parse(_ bytes: [UInt8]) throws(YAMLReader.SyntaxError) -> (value: JSONValue, positions: YAMLPositions) {
        let positions = YAMLPositions()
        return (try YAMLReader.parse(bytes, positions: positions), positions)
    }
}
