import MCPCore

/// JSON Schema's notion of equality and numeric order: numbers compare by value (1 equals 1.0,
/// exactly, even near the 64-bit limits), booleans are never numbers, strings compare code point
/// by code point, objects ignore member order.
enum JSONComparison {
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let left), .bool(let right)): return left == right
        case (.string(let left), .string(let right)): return left.unicodeScalars.elementsEqual(right.unicodeScalars)
        case (.int, .int), (.int, .double), (.double, .int), (.double, .double): return compare(lhs, rhs) == 0
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { equal($0, $1) }
        case (.object(let left), .object(let right)):
            guard left.count == right.count else { return false }
            return left.allSatisfy { key, value in right[key].map { equal(value, $0) } ?? false }
        default: return false
        }
    }

    /// -1, 0 or 1 for two numbers; nil when either is not a number (or is NaN).
    static func compare(_ lhs: JSONValue, _ rhs: JSONValue) -> Int? {
        switch (lhs, rhs) {
        case (.int(let left), .int(let right)): return left < right ? -1 : (left > right ? 1 : 0)
        case (.double(let left), .double(let right)):
            if left.isNaN || right.isNaN { return nil }
            return left < right ? -1 : (left > right ? 1 : 0)
        case (.int(let left), .double(let right)): return compare(left, right)
        case (.double(let left), .int(let right)): return compare(right, left).map { -$0 }
        default: return nil
        }
    }

    /// Exact order of an integer and a double (converting the integer to a double would round it).
    private static func compare(_ integer: Int64, _ double: Double) -> Int? {
        if double.isNaN { return nil }
        if double >= 9_223_372_036_854_775_808.0 { return -1 }
        if double < -9_223_372_036_854_775_808.0 { return 1 }
        let whole = double.rounded(.down)
        let truncated = Int64(whole)
        if integer < truncated { return -1 }
        if integer > truncated { return 1 }
        return double > whole ? -1 : 0
    }

    /// True when `value` is a whole multiple of `divisor` (integers exactly; otherwise by the
    /// quotient being integral, as the reference validators compute it).
    static func isMultiple(_ value: JSONValue, of divisor: JSONValue) -> Bool {
        switch (value, divisor) {
        case (.int(let number), .int(let step)):
            return step == 0 ? false : number % step == 0
        case (_, .double(let step)):
            guard let number = value.doubleValue else { return true }
            let quotient = number / step
            guard quotient.isFinite else { return false }
            return quotient.rounded(.towardZero) == quotient
        case (.double(let number), .int(let step)):
            guard step != 0 else { return false }
            let remainder = number.truncatingRemainder(dividingBy: Double(step))
            return remainder == 0
        default:
            return true
        }
    }
}
