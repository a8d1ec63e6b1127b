/// `*` and `?` patterns, matched on Unicode scalars without backtracking blow-up.
public enum Glob {
    public static func matches(_ pattern: String, _ value: String) -> Bool {
        let p = Array(pattern.unicodeScalars), v = Array(value.unicodeScalars)
        var (i, j, star, mark) = (0, 0, -1, 0)
        while j < v.count {
            if i < p.count, p[i] == "?" || p[i] == v[j] {
                i += 1
                j += 1
            } else if i < p.count, p[i] == "*" {
                star = i
                mark = j
                i += 1
            } else if star >= 0 {
                i = star + 1
                mark += 1
                j = mark
            } else {
                return false
            }
        }
        while i < p.count, p[i] == "*" { i += 1 }
        return i == p.count
    }
}
