import Histogram

/// Round-trip times in nanoseconds, 1 ns to 60 s (growing beyond if needed), three significant digits.
enum LatencyHistogram {
    static func make() -> Histogram<UInt64> {
        var histogram = Histogram<UInt64>(
            lowestDiscernibleValue: 1,
            highestTrackableValue: 60_000_000_000,
            numberOfSignificantValueDigits: .three
        )
        histogram.autoResize = true
        return histogram
    }
}

/// Percentiles of a latency histogram, in microseconds.
public struct LatencySummary: Codable, Sendable, Equatable {
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    public var mean: Double

    public init(p50: Double, p90: Double, p99: Double, p999: Double, max: Double, mean: Double) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p999 = p999
        self.max = max
        self.mean = mean
    }

    init(nanoseconds histogram: Histogram<UInt64>) {
        func micros(_ nanoseconds: UInt64) -> Double { (Double(nanoseconds) / 100).rounded() / 10 }
        guard histogram.totalCount > 0 else {
            self.init(p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0)
            return
        }
        self.init(
            p50: micros(histogram.valueAtPercentile(50)),
            p90: micros(histogram.valueAtPercentile(90)),
            p99: micros(histogram.valueAtPercentile(99)),
            p999: micros(histogram.valueAtPercentile(99.9)),
            max: micros(histogram.max),
            mean: (histogram.mean / 100).rounded() / 10
        )
    }

    /// The figures in the order tables and charts show them.
    public var labelled: [(label: String, microseconds: Double)] {
        [("p50", p50), ("p90", p90), ("p99", p99), ("p99.9", p999), ("max", max)]
    }
}
