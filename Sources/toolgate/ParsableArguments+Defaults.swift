import ArgumentParser

extension ParsableArguments {
    /// The options whose values differ from their defaults, as `--kebab-case` names: what a
    /// command refuses when those options would be ignored. Only for types that parse with no
    /// arguments at all (option groups without required options or validation).
    func flagsChangedFromDefaults() -> [String] {
        guard let defaults = try? Self.parse([]) else { return [] }
        var changed: [String] = []
        for (mine, theirs) in zip(Mirror(reflecting: self).children, Mirror(reflecting: defaults).children) {
            guard let label = mine.label, String(describing: mine.value) != String(describing: theirs.value) else { continue }
            changed.append("--" + Self.kebab(label.hasPrefix("_") ? String(label.dropFirst()) : label))
        }
        return changed
    }

    /// `baseURL` → `base-url`, `oauth2ClientId` → `oauth2-client-id` (ArgumentParser's own rule).
    private static func kebab(_ name: String) -> String {
        var out = ""
        var previous: Character?
        for character in name {
            if character.isUppercase, let previous, previous.isLowercase || previous.isNumber { out += "-" }
            out += character.lowercased()
            previous = character
        }
        return out
    }
}
