extension Duration {
    /// For curl's `_MS` options, where 0 would mean "no limit": any positive duration is at least 1.
    var roundedUpMilliseconds: Int {
        let (seconds, attoseconds) = self.components
        let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
        let fraction = (attoseconds + attosecondsPerMillisecond - 1) / attosecondsPerMillisecond
        return Int(seconds) * 1_000 + Int(fraction)
    }
}
