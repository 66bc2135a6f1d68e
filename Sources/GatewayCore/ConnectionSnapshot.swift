import Foundation
import GtcpWire
import NIOCore

public typealias ConnectionID = UInt64

/// What the admin API shows of one live connection, taken on the connection's event loop.
/// `Codable` for the cluster's command bus, which carries it to the node that asked.
public struct ConnectionSnapshot: Sendable, Equatable, Codable {
    public var id: ConnectionID
    public var remoteAddress: String
    public var clientName: String?
    /// The subject of the certificate a TLS client presented, e.g. `CN=sensor-7,O=Fleet`.
    public var clientCertificateSubject: String?
    public var connectedAt: Date
    public var lastActiveAt: Date
    public var packetsIn: UInt64
    public var packetsOut: UInt64
    public var bytesIn: UInt64
    public var bytesOut: UInt64
    public var inFlight: Int
    public var isClosing: Bool
    /// The cluster node holding the connection; nil on a single gateway and on the bus, where
    /// the receiver knows which node answered.
    public var node: String?

    public init(
        id: ConnectionID, remoteAddress: String, clientName: String?, clientCertificateSubject: String?,
        connectedAt: Date, lastActiveAt: Date, packetsIn: UInt64, packetsOut: UInt64, bytesIn: UInt64,
        bytesOut: UInt64, inFlight: Int, isClosing: Bool, node: String?
    ) {
        self.id = id
        self.remoteAddress = remoteAddress
        self.clientName = clientName
        self.clientCertificateSubject = clientCertificateSubject
        self.connectedAt = connectedAt
        self.lastActiveAt = lastActiveAt
        self.packetsIn = packetsIn
        self.packetsOut = packetsOut
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.inFlight = inFlight
        self.isClosing = isClosing
        self.node = node
    }
}

/// The two clocks a snapshot reads, read once for a whole page of snapshots.
struct SnapshotClock {
    var uptime = NIODeadline.now()
    var wall = Date()
}

/// Selects connections for listing and broadcasts; nil fields match everything.
public struct ConnectionFilter: Sendable, Equatable {
    /// Exact match on the name the client gave in `hello`.
    public var clientName: String?
    /// Exact `ip:port`, or an ip alone matching every port.
    public var remoteAddress: String?
    /// The cluster node holding the connection. The registry knows no node names, so a filter
    /// that still names one when it reaches the registry matches nothing.
    public var node: String?

    public init(clientName: String? = nil, remoteAddress: String? = nil, node: String? = nil) {
        self.clientName = clientName
        self.remoteAddress = remoteAddress
        self.node = node
    }
}

public struct ConnectionPage: Sendable {
    /// Connections matching the filter, across all pages.
    public var total: Int
    public var connections: [ConnectionSnapshot]
    /// The cursor for the next page, nil on the last.
    public var next: ConnectionID?

    public init(total: Int, connections: [ConnectionSnapshot], next: ConnectionID?) {
        self.total = total
        self.connections = connections
        self.next = next
    }
}

public enum PushOutcome: Sendable, Equatable {
    case sent
    case notFound
    case closing
    case tooLarge(String)
}

/// How an admin request to one connection ended.
public enum RequestOutcome: Sendable, Equatable {
    /// The client's next message with the awaited act.
    case answered(Msg)
    case notFound
    case closing
    case tooLarge(String)
    /// `limit` requests of this connection wait for answers already.
    case tooManyWaiting(limit: Int)
    case timedOut
    /// The connection closed before the client answered.
    case connectionClosed
}
