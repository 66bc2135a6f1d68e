/// Durations as settings and command lines write them: `500ms`, `10s`, `2m`, `1h`, or a plain
/// number of seconds.
public enum DurationText {
    private static let units: [(suffix: String, nanoseconds: Int64)] = [
        ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]
    // Far beyond any sensible timeout, and far from Int64 overflow in nanoseconds.
    private static let maximumNanoseconds: Int64 = 1_000_000 * 3_600_000_000_000

    /// nil unless `text` is a non-negative decimal number with an optional unit.
    public static func parse(_ text: String) -> Duration? {
        var number = Substring(text)
        var unit: Int64 = 1_000_000_000
        for (suffix, nanoseconds) in units where text.hasSuffix(suffix) {
            number = text.dropLast(suffix.count)
            unit = nanoseconds
            break  // "ms" is tried before "s"
        }
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 12,
            whole.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        var nanoseconds = Int64(whole)! * unit
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy({ $0.isASCII && $0.isNumber })
            else { return nil }
            var scale: Int64 = 1
            for _ in fraction { scale *= 10 }
            nanoseconds += Int64(fraction)! * unit / scale
        }
        guard nanoseconds <= maximumNanoseconds else { return nil }
        return .nanoseconds(nanoseconds)
    }

    /// For settings: an exact spelling in whole hours, seconds or milliseconds (`1h`, `60s`,
    /// `1500ms`, `0`), which `parse` reads back as the same duration.
    public static func format(_ duration: Duration) -> String {
        spell(duration, units: units.filter { $0.suffix != "m" }, zero: "0")
    }

    /// For messages: the largest unit that states it exactly, minutes included (`2m`, `90s`,
    /// `500ms`, `0s`).
    public static func describe(_ duration: Duration) -> String {
        spell(duration, units: units, zero: "0s")
    }

    private static func spell(
        _ duration: Duration, units: [(suffix: String, nanoseconds: Int64)], zero: String
    ) -> String {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        if nanoseconds == 0 { return zero }
        for (suffix, unit) in units.reversed() where nanoseconds % unit == 0 {
            return "\(nanoseconds / unit)\(suffix)"
        }
        // Below a millisecond: fractional milliseconds, as the parser accepts them.
        var fraction = String(nanoseconds % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(nanoseconds / 1_000_000).\(fraction)ms"
    }
}
