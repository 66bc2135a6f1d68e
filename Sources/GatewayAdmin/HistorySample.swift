/// One interval of the gateway's figures, as the console's charts draw them: the open
/// connections at its end, and what happened during it.
struct HistorySample: Equatable, Sendable {
    var connectionsOpen: Int
    var packetsIn: Int
    var packetsOut: Int
    var forwarded: Int
    /// Upstream latency quantiles of the requests that ended in the interval; nil when none did.
    var upstreamP50Ms: Double?
    var upstreamP99Ms: Double?
    var errors: [MetricsReading.ErrorKind: Int]

    init(from previous: MetricsReading, to current: MetricsReading) {
        func delta(_ figure: KeyPath<MetricsReading, Double>) -> Int {
            Int(max(0, current[keyPath: figure] - previous[keyPath: figure]))
        }
        self.connectionsOpen = Int(max(0, current.connectionsOpen))
        self.packetsIn = delta(\.packetsIn)
        self.packetsOut = delta(\.packetsOut)
        self.forwarded = delta(\.forwarded)
        self.errors = Dictionary(
            uniqueKeysWithValues: MetricsReading.ErrorKind.allCases.map {
                ($0, Int(max(0, current.errors[$0, default: 0] - previous.errors[$0, default: 0])))
            }
        )
        let latencies = Self.bucketDeltas(from: previous.upstreamLatencyBuckets, to: current.upstreamLatencyBuckets)
        self.upstreamP50Ms = Self.quantileMilliseconds(0.5, of: latencies)
        self.upstreamP99Ms = Self.quantileMilliseconds(0.99, of: latencies)
    }

    /// The histogram of the interval alone; empty when the two readings' buckets differ.
    private static func bucketDeltas(
        from previous: [MetricsReading.LatencyBucket],
        to current: [MetricsReading.LatencyBucket]
    ) -> [MetricsReading.LatencyBucket] {
        guard previous.isEmpty || previous.map(\.upperBound) == current.map(\.upperBound) else { return [] }
        return current.enumerated().map { index, bucket in
            MetricsReading.LatencyBucket(
                upperBound: bucket.upperBound,
                count: bucket.count - (previous.isEmpty ? 0 : previous[index].count)
            )
        }
    }

    /// As Prometheus's `histogram_quantile`: linear within the bucket that holds the rank, the
    /// highest finite bound when the rank falls in `+Inf`.
    static func quantileMilliseconds(_ quantile: Double, of buckets: [MetricsReading.LatencyBucket]) -> Double? {
        guard let total = buckets.last?.count, total > 0 else { return nil }
        let rank = quantile * total
        var lowerBound = 0.0
        var lowerCount = 0.0
        for bucket in buckets {
            if bucket.count >= rank {
                guard bucket.upperBound.isFinite else { return lowerBound * 1000 }
                let share = bucket.count > lowerCount ? (rank - lowerCount) / (bucket.count - lowerCount) : 1
                return (lowerBound + (bucket.upperBound - lowerBound) * share) * 1000
            }
            lowerBound = bucket.upperBound
            lowerCount = bucket.count
        }
        return lowerBound * 1000
    }
}
