/// IPv4 and IPv6 address text, by the rules of Python's `ipaddress` (what the reference
/// validator uses): dotted quads without leading zeros; IPv6 with at most one `::`, an optional
/// trailing dotted quad, and no zone (`%eth0`).
enum IPAddressGrammar {
    static func isIPv4(_ bytes: [UInt8]) -> Bool {
        let octets = bytes.split(separator: 0x2E, omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        for octet in octets {
            guard (1...3).contains(octet.count), octet.allSatisfy(StringFormat.isDigit) else { return false }
            if octet.count > 1, octet.first == 0x30 { return false }
            let value = octet.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard value <= 255 else { return false }
        }
        return true
    }

    static func isIPv6(_ bytes: [UInt8]) -> Bool {
        guard !bytes.contains(0x25), !bytes.contains(0x2F) else { return false }
        var parts = bytes.split(separator: 0x3A, omittingEmptySubsequences: false).map(Array.init)
        guard parts.count >= 3 else { return false }
        if let last = parts.last, last.contains(0x2E) {
            guard isIPv4(last) else { return false }
            parts.removeLast()
            parts.append([0x30])
            parts.append([0x30])
        }
        guard parts.count <= 9 else { return false }
        var skip: Int?
        for index in 1..<(parts.count - 1) where parts[index].isEmpty {
            guard skip == nil else { return false }
            skip = index
        }
        var high: Int
        var low: Int
        if let skip {
            high = skip
            low = parts.count - skip - 1
            if parts[0].isEmpty {
                high -= 1
                guard high == 0 else { return false }
            }
            if parts[parts.count - 1].isEmpty {
                low -= 1
                guard low == 0 else { return false }
            }
            guard 8 - (high + low) >= 1 else { return false }
        } else {
            guard parts.count == 8, !parts[0].isEmpty, !parts[7].isEmpty else { return false }
            high = parts.count
            low = 0
        }
        let hextets = Array(parts[0..<high]) + Array(parts[(parts.count - low)...])
        return hextets.allSatisfy { !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(StringFormat.isHex) }
    }
}
