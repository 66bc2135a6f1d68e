import GtcpClient
import GtcpWire
import SettingsText

/// Many connections that only heartbeat, held open to measure what each costs the server.
public struct IdleConfiguration: Sendable {
    public var target: HostPort
    public var framing: GtcpFraming = .default
    public var connections: Int
    public var heartbeatInterval: Duration = .seconds(5)
    /// How long the connections are held once all are open.
    public var hold: Duration = .seconds(60)
    /// The server process whose memory and CPU time are sampled; nil samples nothing.
    public var serverPID: Int32?
    public var sourceAddresses = 4
    public var connectTimeout: Duration = .seconds(10)
    /// The bench's open-file limit, reported beside the figures as the cap on connections.
    public var fileDescriptorLimit: Int?
    /// nil: plain TCP.
    public var tls: GtcpClientTLS?

    public init(target: HostPort, framing: GtcpFraming = .default, connections: Int) {
        self.target = target
        self.framing = framing
        self.connections = connections
    }
}

/// The outcome of an idle run, as `--json` prints it.
public struct IdleReport: Codable, Sendable {
    public var kind = "idle"
    public var label: String?
    public var command: String?
    public var target: String
    public var connections: Int
    public var opened: Int
    public var connectFailures: Int
    /// Connections the server closed while they were held.
    public var closedByServer: Int
    public var heartbeatIntervalSeconds: Double
    public var holdSeconds: Double
    public var heartbeatsSent: UInt64
    public var messagesReceived: UInt64
    public var fileDescriptorLimit: Int?
    public var server: IdleServerCost?
    public var firstError: String?
}

/// What the held connections cost the server process.
public struct IdleServerCost: Codable, Sendable {
    public var pid: Int32
    public var before: ProcessSample
    public var afterConnecting: ProcessSample
    public var afterHolding: ProcessSample
    /// (RSS after holding - RSS before connecting) / connections opened.
    public var residentBytesPerConnection: Double
    /// CPU time over the hold as a percentage of one core.
    public var cpuPercentOfOneCore: Double
}
