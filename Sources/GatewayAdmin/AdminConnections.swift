import Foundation
import GatewayCore
import GtcpWire

/// What the admin API needs of the gateway's connections: the local registry on a single node,
/// the whole cluster through GatewayCluster's `ClusterConnections` otherwise. Any call may throw
/// ``ClusterUnavailable`` when it needs another node or the directory and cannot reach it.
public protocol AdminConnections: Sendable {
    func page(after cursor: ConnectionID?, limit: Int, filter: ConnectionFilter) async throws -> ConnectionPage
    func snapshot(of id: ConnectionID) async throws -> ConnectionSnapshot?
    func push(_ msg: Msg, to id: ConnectionID) async throws -> PushOutcome
    func request(_ msg: Msg, to id: ConnectionID, replyAct: String, timeout: Duration) async throws -> RequestOutcome
    func doexit(_ id: ConnectionID, data: String, grace: Duration?) async throws -> PushOutcome
    func close(_ id: ConnectionID) async throws -> PushOutcome
    func broadcast(_ msg: Msg, filter: ConnectionFilter) async throws -> Int
    func doexitAll(data: String, grace: Duration?, filter: ConnectionFilter) async throws -> Int
}

extension ConnectionRegistry: AdminConnections {}

/// A cluster-wide call that could not be served: the directory or the node holding the
/// connection did not answer. The admin API answers 503 with `detail`.
public struct ClusterUnavailable: Error, Sendable, Equatable {
    /// The node that did not answer; nil when the database itself did not.
    public var node: String?
    public var detail: String

    public init(node: String? = nil, detail: String) {
        self.node = node
        self.detail = detail
    }
}

/// One node of the cluster as `GET /cluster/nodes` shows it, and encodes it.
public struct ClusterNodeInfo: Sendable, Equatable, Encodable {
    public var name: String
    public var incarnation: UInt32
    public var startedAt: Date
    public var leaseExpiresAt: Date
    /// Its lease has not lapsed: its connections are listed and commands reach it.
    public var isLive: Bool
    public var connections: Int
    /// The node answering the call.
    public var isSelf: Bool

    private enum CodingKeys: String, CodingKey {
        case name, incarnation, startedAt, leaseExpiresAt, connections
        case isLive = "live"
        case isSelf = "self"
    }

    public init(
        name: String, incarnation: UInt32, startedAt: Date, leaseExpiresAt: Date, isLive: Bool, connections: Int,
        isSelf: Bool
    ) {
        self.name = name
        self.incarnation = incarnation
        self.startedAt = startedAt
        self.leaseExpiresAt = leaseExpiresAt
        self.isLive = isLive
        self.connections = connections
        self.isSelf = isSelf
    }
}

/// What `GET /cluster/nodes` asks; absent on a single gateway.
public protocol AdminCluster: Sendable {
    func nodes() async throws -> [ClusterNodeInfo]
}

/// What `/readyz` asks.
protocol ReadinessSource: Sendable {
    var isReady: Bool { get }
}

extension GatewayReadiness: ReadinessSource {}
