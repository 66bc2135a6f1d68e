import GatewayUpstream
extension Duration {
    /// The way durations are written in the settings: `1h`, `2m`, `10s`, `500ms`.
    var settingDescription: String {
        let milliseconds = self.roundedUpMilliseconds
        for (unit, size) in [("h", 3_600_000), ("m", 60_000), ("s", 1_000)]
        where milliseconds >= size && milliseconds % size == 0 {
            return "\(milliseconds / size)\(unit)"
        }
        return "\(milliseconds)ms"
    }

    /// For curl's `_MS` options, where 0 would mean "no limit": any positive duration is at least 1.
    var roundedUpMilliseconds: Int {
        let (seconds, attoseconds) = self.components
        let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
        let fraction = (attoseconds + attosecondsPerMillisecond - 1) / attosecondsPerMillisecond
        return Int(seconds) * 1_000 + Int(fraction)
    }
}
