/// Durations as command lines write them: `500ms`, `2s`, `1m`, `1h`, or a plain number of seconds.
public enum DurationText {
    /// Largest first, the order `describe` tries them in.
    private static let units: [(suffix: String, nanoseconds: Int64)] = [
        ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000),
    ]

    /// nil unless the text is a non-negative decimal number with an optional unit, at most ~31 years.
    public static func parse(_ text: String) -> Duration? {
        // The longest suffix that fits: "500ms" ends in "s" too.
        let unit = self.units.filter { text.hasSuffix($0.suffix) }.max { $0.suffix.count < $1.suffix.count }
        let number = text.dropLast(unit?.suffix.count ?? 0)
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } }),
            let value = Double(number)
        else {
            return nil
        }
        let nanoseconds = value * Double(unit?.nanoseconds ?? 1_000_000_000)
        guard nanoseconds <= 1e18 else {
            return nil
        }
        return .nanoseconds(Int64(nanoseconds.rounded()))
    }

    /// The largest unit that states it exactly (`1h`, `90s`, `500ms`), else fractional milliseconds.
    public static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        guard nanoseconds != 0 else {
            return "0s"
        }
        guard let unit = self.units.first(where: { nanoseconds % $0.nanoseconds == 0 }) else {
            return "\(Double(nanoseconds) / 1e6)ms"
        }
        return "\(nanoseconds / unit.nanoseconds)\(unit.suffix)"
    }
}
