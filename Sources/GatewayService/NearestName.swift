/// Picks the known name closest to a mistyped one, for "did you mean" hints.
enum NearestName {
    /// A name the mistyped one begins (`admin-token` for `admin-token-file`), else the one
    /// fewest edits away.
    static func to(_ name: String, among candidates: [String]) -> String? {
        let extended = candidates.filter { $0.hasPrefix(name) }
        if let shortest = extended.min(by: { $0.count < $1.count }) { return shortest }
        return candidates.min { distance(name, $0) < distance(name, $1) }
    }

    /// Levenshtein distance over characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}
