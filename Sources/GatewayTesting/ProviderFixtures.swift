import Foundation
import MCPCore

/// The recorded answers of one provider (`fixtures/providers/<persona>/`), split into what the
/// fake provider writes: whole bodies, and streams as one buffer per SSE event.
public struct ProviderFixtures: Sendable {
    /// Where a provider puts usage in a stream.
    public enum UsagePlacement: String, Sendable {
        /// A `choices: []` chunk before `[DONE]`, only when the request sets `include_usage`.
        case onlyWithIncludeUsage = "only_with_include_usage"
        /// On the finish chunk, always (DeepSeek).
        case onFinishChunk = "on_finish_chunk"
    }

    public var persona: String
    /// The persona speaks Anthropic's Messages API (`"wire": "anthropic"`), not Chat Completions.
    public var anthropic: Bool
    public var usage: UsagePlacement
    public var keepAlive: Bool
    public var servesEmbeddings: Bool
    /// Error bodies by status.
    public var errors: [Int: [UInt8]]
    /// `chat`, `tools`, `reasoning`, `embeddings`, `models` → the whole body.
    public var bodies: [String: [UInt8]]
    /// `chat`, `tools`, `reasoning` → the stream's events, each with its trailing blank line
    /// (Anthropic's: an `event:` line and a `data:` line).
    public var streams: [String: [Event]]

    /// One recorded SSE event.
    public struct Event: Sendable {
        public var bytes: [UInt8]
        /// A `choices: []` usage chunk (dropped when the request did not ask for usage).
        public var isUsageChunk: Bool
        public var isComment: Bool
    }

    /// Loads every persona folder under `folder` (`fixtures/providers`).
    public static func load(from folder: String) throws -> [String: ProviderFixtures] {
        var result: [String: ProviderFixtures] = [:]
        for persona in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
            let path = folder + "/" + persona
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path + "/persona.json", isDirectory: &isDirectory) else { continue }
            result[persona] = try load(persona: persona, from: path)
        }
        return result
    }

    static func load(persona: String, from path: String) throws -> ProviderFixtures {
        func read(_ name: String) -> [UInt8]? {
            FileManager.default.contents(atPath: path + "/" + name).map { Array($0) }
        }
        guard let personaBytes = read("persona.json") else { throw FixtureError(message: "\(path)/persona.json is missing") }
        let rules = try JSONParser().parse(personaBytes)
        var fixtures = ProviderFixtures(
            persona: persona, anthropic: rules["wire"]?.stringValue == "anthropic", usage: UsagePlacement(rawValue: rules["usage_chunk"]?.stringValue ?? "") ?? .onlyWithIncludeUsage,
            keepAlive: rules["keep_alive"]?.boolValue ?? false, servesEmbeddings: rules["embeddings"]?.boolValue ?? true, errors: [:], bodies: [:], streams: [:]
        )
        for (status, body) in rules["errors"]?.objectValue ?? [:] {
            if let code = Int(status) { fixtures.errors[code] = body.serializedBytes() }
        }
        for name in ["chat", "tools", "reasoning", "embeddings", "models"] {
            if let body = read(name + ".json") {
                var trimmed = body
                while trimmed.last == 0x0A { trimmed.removeLast() }
                fixtures.bodies[name] = trimmed
            }
            if let stream = read(name + "-stream.sse") { fixtures.streams[name] = Self.events(stream) }
        }
        return fixtures
    }

    /// Splits a recorded stream at its blank lines.
    static func events(_ bytes: [UInt8]) -> [Event] {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.components(separatedBy: "\n\n").compactMap { block -> Event? in
            let trimmed = block.trimmingCharacters(in: .newlines)
            guard !trimmed.isEmpty else { return nil }
            let isComment = trimmed.hasPrefix(":")
            var isUsage = false
            if !isComment, trimmed.hasPrefix("data: "), let json = try? JSONParser().parse(String(trimmed.dropFirst(6))) {
                isUsage = json["choices"]?.arrayValue?.isEmpty == true && json["usage"].map { !$0.isNull } == true
            }
            return Event(bytes: Array((trimmed + "\n\n").utf8), isUsageChunk: isUsage, isComment: isComment)
        }
    }
}

/// A fixture folder that cannot be read.
public struct FixtureError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
