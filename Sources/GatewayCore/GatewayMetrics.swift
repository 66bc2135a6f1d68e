import CoreMetrics

/// Why a connection ended, as counted in `gtcp_connections_closed_total{reason}`.
enum CloseReason: String, CaseIterable, Sendable {
    case clientClosed = "client_closed"
    case idleTimeout = "idle_timeout"
    case doexitGraceExpired = "doexit_grace_expired"
    case adminClose = "admin_close"
    case framingError = "framing_error"
    case connectionError = "connection_error"
    /// Its unread output passed `maxOutboundBytes`, or it had the most when all connections'
    /// passed `maxTotalOutboundBytes`.
    case slowReader = "slow_reader"
    /// It held the largest partial packets when all connections' passed `maxPartialPacketBytes`.
    case partialPacketBudget = "partial_packet_budget"
    case shutdown = "shutdown"
    /// The connect hook did not admit it.
    case admissionRefused = "admission_refused"
}

/// How an upstream request ended, as counted in `gtcp_upstream_requests_total{outcome}`.
enum UpstreamResult: String, CaseIterable, Sendable {
    case reply
    case noReply = "no_reply"
    case failed
}

/// Why a lifecycle event was not delivered, as counted in `gtcp_events_dropped_total{reason}`.
enum EventDropReason: String, CaseIterable, Sendable {
    case queueFull = "queue_full"
    /// Given up after its tries, or refused by the receiver.
    case failed
    case shutdown
}

/// The gateway's metrics, made once with the factory the composition root chooses.
public struct GatewayMetrics: Sendable {
    let connectionsOpen: Meter
    let connectionsAccepted: Counter
    let connectionsRejected: Counter
    let acceptErrors: Counter
    let connectionsClosed: [CloseReason: Counter]
    let packetsIn: Counter
    let packetsOut: Counter
    let bytesIn: Counter
    let bytesOut: Counter
    let framingErrors: Counter
    let decodeErrors: Counter
    let upstreamRequests: [UpstreamResult: Counter]
    let upstreamDuration: Timer
    let upstreamInFlight: Meter
    let repliesDropped: Counter
    let doexitSent: Counter
    let eventsSent: Counter
    let eventsDropped: [EventDropReason: Counter]
    /// Info lines a connection caused beyond its `LogLineBudget`.
    let logLinesLeftOut: Counter
    let outboundQueuedBytes: Meter
    let partialPacketBytes: Meter

    public init(factory: any MetricsFactory) {
        connectionsOpen = Meter(label: "gtcp_connections_open", factory: factory)
        connectionsAccepted = Counter(label: "gtcp_connections_accepted_total", factory: factory)
        connectionsRejected = Counter(label: "gtcp_connections_rejected_total", factory: factory)
        acceptErrors = Counter(label: "gtcp_accept_errors_total", factory: factory)
        connectionsClosed = Dictionary(label: "gtcp_connections_closed_total", dimension: "reason", factory: factory)
        packetsIn = Counter(label: "gtcp_packets_in_total", factory: factory)
        packetsOut = Counter(label: "gtcp_packets_out_total", factory: factory)
        bytesIn = Counter(label: "gtcp_bytes_in_total", factory: factory)
        bytesOut = Counter(label: "gtcp_bytes_out_total", factory: factory)
        framingErrors = Counter(label: "gtcp_framing_errors_total", factory: factory)
        decodeErrors = Counter(label: "gtcp_decode_errors_total", factory: factory)
        upstreamRequests = Dictionary(label: "gtcp_upstream_requests_total", dimension: "outcome", factory: factory)
        upstreamDuration = Timer(label: "gtcp_upstream_request_duration_seconds", preferredDisplayUnit: .seconds, factory: factory)
        upstreamInFlight = Meter(label: "gtcp_upstream_in_flight", factory: factory)
        repliesDropped = Counter(label: "gtcp_replies_dropped_total", factory: factory)
        doexitSent = Counter(label: "gtcp_doexit_sent_total", factory: factory)
        eventsSent = Counter(label: "gtcp_events_sent_total", factory: factory)
        eventsDropped = Dictionary(label: "gtcp_events_dropped_total", dimension: "reason", factory: factory)
        logLinesLeftOut = Counter(label: "gtcp_log_lines_suppressed_total", factory: factory)
        outboundQueuedBytes = Meter(label: "gtcp_outbound_queued_bytes", factory: factory)
        partialPacketBytes = Meter(label: "gtcp_partial_packet_bytes", factory: factory)
    }
}

extension Dictionary where Key: CaseIterable & RawRepresentable<String>, Value == Counter {
    /// A counter family: `label{dimension="<case>"}` for each case of `Key`.
    public init(label: String, dimension: String, factory: any MetricsFactory) {
        self.init(
            uniqueKeysWithValues: Key.allCases.map {
                ($0, Counter(label: label, dimensions: [(dimension, $0.rawValue)], factory: factory))
            }
        )
    }
}
