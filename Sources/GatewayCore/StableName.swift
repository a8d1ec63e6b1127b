/// Shortening names to a length limit so that they stay distinct and stable: the start of the
/// name is kept and a hash of what it stands for is appended (the same input always gives the
/// same name, in every process, unlike `Hasher`). Used for imported tool names and for the
/// `source__tool` names of aggregate servers.
public enum StableName {
    /// `name` when it fits in `maxLength` (and `force` is false); else its start, without trailing
    /// `_` or `-`, then `_` and `hash8(seed)`.
    public static func fit(_ name: String, maxLength: Int, hashing seed: String, force: Bool = false) -> String {
        guard force || name.count > maxLength else { return name }
        let suffix = "_" + hash8(seed)
        var head = String(name.prefix(maxLength - suffix.count))
        while let last = head.last, last == "_" || last == "-" { head.removeLast() }
        return head + suffix
    }

    /// Eight hex digits of FNV-1a 64.
    public static func hash8(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash >> 32, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
