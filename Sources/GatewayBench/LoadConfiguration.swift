import GtcpClient
import GtcpWire
import SettingsText

/// A round-trip load: N connections, each with up to K messages outstanding, until `count`
/// messages were sent or `duration` is over, whichever comes first.
public struct LoadConfiguration: Sendable {
    public var target: HostPort
    public var framing: GtcpFraming = .default
    public var connections = 16
    /// Messages one connection keeps outstanding (K).
    public var outstanding = 8
    /// Messages sent across all connections, at most.
    public var count = 10_000_000
    public var duration: Duration = .seconds(10)
    public var act = "hello"
    public var data = "bench"
    /// Messages per second across all connections; nil sends as fast as replies come back.
    public var rate: Double?
    /// Client sockets are bound to 127.0.0.1 ... 127.0.0.k in turn (IPv4 loopback targets only),
    /// so more than one source-port range is available.
    public var sourceAddresses = 4
    /// How long replies still outstanding at the end are waited for before they count as lost.
    public var drainTimeout: Duration = .seconds(5)
    public var connectTimeout: Duration = .seconds(5)
    /// Page through the gateway admin API's `GET /connections` while the load runs.
    public var adminPaging: AdminPagingConfiguration?
    /// The server process, whose CPU time per reply is reported: a figure that, unlike
    /// throughput, other work on a shared machine hardly moves.
    public var serverPID: Int32?
    /// nil: plain TCP.
    public var tls: GtcpClientTLS?

    /// The messages connection `index` may send: `count` shared out as evenly as possible.
    func budget(ofConnection index: Int) -> Int {
        count / connections + (index < count % connections ? 1 : 0)
    }
}

// In an extension, so that the module keeps the memberwise initializer.
extension LoadConfiguration {
    public init(target: HostPort, framing: GtcpFraming = .default) {
        self.target = target
        self.framing = framing
    }
}
