import Synchronization

/// The values one call's redaction replaced, by placeholder: `[EMAIL_1]` stands for the same
/// address wherever it appears in the call, and the answer's placeholders are put back from here.
public final class PlaceholderTable: Sendable {
    private struct State {
        var byValue: [String: String] = [:]
        var byPlaceholder: [String: String] = [:]
        var counts: [String: Int] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    func placeholder(for value: String, kind: String) -> String {
        state.withLock { state in
            if let known = state.byValue[value] { return known }
            let number = (state.counts[kind] ?? 0) + 1
            state.counts[kind] = number
            let placeholder = "[\(kind)_\(number)]"
            state.byValue[value] = placeholder
            state.byPlaceholder[placeholder] = value
            return placeholder
        }
    }

    public var isEmpty: Bool { state.withLock { $0.byValue.isEmpty } }

    /// `text` with every placeholder of this table replaced by its value.
    public func restore(_ text: String) -> String {
        let pairs = state.withLock { $0.byPlaceholder }
        guard !pairs.isEmpty, text.contains("[") else { return text }
        var text = text
        for (placeholder, value) in pairs where text.contains(placeholder) {
            text = text.replacingOccurrences(of: placeholder, with: value)
        }
        return text
    }
}
