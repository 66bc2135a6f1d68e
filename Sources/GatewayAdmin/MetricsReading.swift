/// The running totals behind the console's charts, read from the gateway's own Prometheus
/// exposition: sampling what the metrics already count adds no work to the data path.
struct MetricsReading: Equatable, Sendable {
    /// Kinds of error the console charts, each one or more of the gateway's counters.
    enum ErrorKind: String, CaseIterable, Sendable {
        case framing
        case decode
        case upstreamFailed
        case rejected
        case acceptErrors
        case repliesDropped
        case eventsDropped
    }

    var connectionsOpen: Double = 0
    var connectionsAccepted: Double = 0
    var connectionsClosed: [String: Double] = [:]
    var packetsIn: Double = 0
    var packetsOut: Double = 0
    /// Acts forwarded upstream, whatever their outcome.
    var forwarded: Double = 0
    var errors: [ErrorKind: Double] = [:]
    /// The upstream latency histogram, ascending by bound.
    var upstreamLatencyBuckets: [LatencyBucket] = []

    /// Requests that took at most `upperBound` seconds, counted since start.
    struct LatencyBucket: Equatable, Sendable {
        var upperBound: Double
        var count: Double
    }

    init() {}

    /// Reads the exposition format 0.0.4 (`name{labels} value` lines); lines of other metrics
    /// and comments are skipped.
    init(exposition: some Sequence<UInt8>) {
        let text = String(decoding: Array(exposition), as: UTF8.self)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            self.add(series: line[..<space], value: value)
        }
        self.upstreamLatencyBuckets.sort { $0.upperBound < $1.upperBound }
    }

    private mutating func add(series: Substring, value: Double) {
        let name = series.prefix { $0 != "{" }
        let label = Self.firstLabelValue(series.dropFirst(name.count))
        switch name {
        case "gtcp_connections_open": self.connectionsOpen = value
        case "gtcp_connections_accepted_total": self.connectionsAccepted = value
        case "gtcp_connections_closed_total": self.connectionsClosed[label, default: 0] += value
        case "gtcp_packets_in_total": self.packetsIn = value
        case "gtcp_packets_out_total": self.packetsOut = value
        case "gtcp_upstream_requests_total":
            self.forwarded += value
            if label == "failed" { self.errors[.upstreamFailed, default: 0] += value }
        case "gtcp_framing_errors_total": self.errors[.framing, default: 0] += value
        case "gtcp_decode_errors_total": self.errors[.decode, default: 0] += value
        case "gtcp_connections_rejected_total": self.errors[.rejected, default: 0] += value
        case "gtcp_accept_errors_total": self.errors[.acceptErrors, default: 0] += value
        case "gtcp_replies_dropped_total": self.errors[.repliesDropped, default: 0] += value
        case "gtcp_events_dropped_total": self.errors[.eventsDropped, default: 0] += value
        case "gtcp_upstream_request_duration_seconds_bucket":
            let bound = label == "+Inf" ? Double.infinity : Double(label)
            if let bound { self.upstreamLatencyBuckets.append(LatencyBucket(upperBound: bound, count: value)) }
        default: break
        }
    }

    /// `x` of `{name="x"}`; the gateway's series carry at most one label.
    private static func firstLabelValue(_ labels: Substring) -> String {
        guard let open = labels.firstIndex(of: "\""), let close = labels.lastIndex(of: "\""), open < close else {
            return ""
        }
        return String(labels[labels.index(after: open)..<close])
    }
}
