import GtcpWire
import SettingsText

/// A round-trip load: N connections, each with up to K messages outstanding, until `count`
/// messages were sent or `duration` is over, whichever comes first.
public struct LoadConfiguration: Sendable {
    public var target: HostPort
    public var framing: GtcpFraming
    public var connections: Int
    /// Messages one connection keeps outstanding (K).
    public var outstanding: Int
    /// Messages sent across all connections, at most.
    public var count: Int
    public var duration: Duration
    public var act: String
    public var data: String
    /// Messages per second across all connections; nil sends as fast as replies come back.
    public var rate: Double?
    /// Client sockets are bound to 127.0.0.1 ... 127.0.0.k in turn (IPv4 loopback targets only),
    /// so more than one source-port range is available.
    public var sourceAddresses: Int
    /// How long replies still outstanding at the end are waited for before they count as lost.
    public var drainTimeout: Duration
    public var connectTimeout: Duration
    /// Page through the gateway admin API's `GET /connections` while the load runs.
    public var adminPaging: AdminPagingConfiguration?
    /// The server process, whose CPU time per reply is reported: a figure that, unlike
    /// throughput, other work on a shared machine hardly moves.
    public var serverPID: Int32?

    public init(
        target: HostPort,
        framing: GtcpFraming = .default,
        connections: Int = 16,
        outstanding: Int = 8,
        count: Int = 10_000_000,
        duration: Duration = .seconds(10),
        act: String = "hello",
        data: String = "bench",
        rate: Double? = nil,
        sourceAddresses: Int = 4,
        drainTimeout: Duration = .seconds(5),
        connectTimeout: Duration = .seconds(5),
        adminPaging: AdminPagingConfiguration? = nil,
        serverPID: Int32? = nil
    ) {
        self.target = target
        self.framing = framing
        self.connections = connections
        self.outstanding = outstanding
        self.count = count
        self.duration = duration
        self.act = act
        self.data = data
        self.rate = rate
        self.sourceAddresses = sourceAddresses
        self.drainTimeout = drainTimeout
        self.connectTimeout = connectTimeout
        self.adminPaging = adminPaging
        self.serverPID = serverPID
    }

    /// The messages connection `index` may send: `count` shared out as evenly as possible.
    func budget(ofConnection index: Int) -> Int {
        count / connections + (index < count % connections ? 1 : 0)
    }
}
