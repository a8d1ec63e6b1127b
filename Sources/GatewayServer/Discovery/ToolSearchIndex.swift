import Foundation
import MCPCore

/// A BM25 index over tool names, titles, descriptions and argument names.
struct ToolSearchIndex: Sendable {
    private struct Entry: Sendable {
        var tool: MCPTool
        var terms: [String: Int]
        var length: Int
    }

    private let entries: [Entry]
    private let documentFrequency: [String: Int]
    private let averageLength: Double

    init(tools: [MCPTool]) {
        var frequency: [String: Int] = [:]
        entries = tools.map { tool in
            var text = [tool.name, tool.title ?? "", tool.description]
            text += tool.inputSchema["properties"]?.objectValue?.keys.map { $0 } ?? []
            let tokens = Self.tokenize(text.joined(separator: " "))
            // The name counts twice: it is the most specific text a tool has.
            let weighted = tokens + Self.tokenize(tool.name)
            let terms = weighted.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            for term in terms.keys { frequency[term, default: 0] += 1 }
            return Entry(tool: tool, terms: terms, length: weighted.count)
        }
        documentFrequency = frequency
        averageLength = entries.isEmpty ? 1 : Double(entries.map(\.length).reduce(0, +)) / Double(entries.count)
    }

    /// Splits camelCase, snake_case, paths and punctuation into lower-case words.
    static func tokenize(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for character in text {
            if character.isLetter || character.isNumber {
                if character.isUppercase && previousWasLower && !current.isEmpty {
                    words.append(current)
                    current = ""
                }
                current.append(character)
                previousWasLower = character.isLowercase || character.isNumber
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousWasLower = false
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.map { stem($0.lowercased()) }.filter { $0.count > 1 }
    }

    /// A light plural stemmer so "pets" finds "pet".
    private static func stem(_ word: String) -> String {
        if word.hasSuffix("ies"), word.count > 4 { return String(word.dropLast(3)) + "y" }
        if word.hasSuffix("s"), !word.hasSuffix("ss"), word.count > 3 { return String(word.dropLast()) }
        return word
    }

    /// The best matches for `query`, best first.
    func search(_ query: String, limit: Int) -> [MCPTool] {
        let terms = Set(Self.tokenize(query))
        guard !terms.isEmpty else { return Array(entries.prefix(limit).map(\.tool)) }
        let count = Double(entries.count)
        let (k1, b) = (1.2, 0.75)
        var scored: [(Double, Int)] = []
        for (position, entry) in entries.enumerated() {
            var score = 0.0
            for term in terms {
                guard let frequency = entry.terms[term].map(Double.init) else { continue }
                let documents = Double(documentFrequency[term] ?? 0)
                let idf = log((count - documents + 0.5) / (documents + 0.5) + 1)
                score += idf * frequency * (k1 + 1) / (frequency + k1 * (1 - b + b * Double(entry.length) / averageLength))
            }
            if score > 0 { scored.append((score, position)) }
        }
        scored.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        return scored.prefix(limit).map { entries[$0.1].tool }
    }
}
