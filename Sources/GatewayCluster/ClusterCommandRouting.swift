import GatewayCore
import GtcpWire

/// Carries admin commands for connections held by other nodes to them, and their outcomes back.
///
/// ``ClusterConnections`` calls it only for connections of another live node, having found that
/// node in the directory; an implementation throws `ClusterUnavailable` naming the node when it
/// does not answer in time, so the caller gets a 503, never a 202 for something not done.
public protocol ClusterCommandRouting: Sendable {
    /// The connection with the owner's counters, which the directory does not hold.
    func snapshot(of id: ConnectionID, on node: ClusterNode) async throws -> ConnectionSnapshot?
    func push(_ msg: Msg, to id: ConnectionID, on node: ClusterNode) async throws -> PushOutcome
    func request(
        _ msg: Msg, to id: ConnectionID, on node: ClusterNode, replyAct: String, timeout: Duration
    ) async throws -> RequestOutcome
    func doexit(_ id: ConnectionID, on node: ClusterNode, data: String, grace: Duration?) async throws -> PushOutcome
    func close(_ id: ConnectionID, on node: ClusterNode) async throws -> PushOutcome
    /// Sends to the matching connections of each of `nodes` (never this one); the sum of their counts.
    func broadcast(_ msg: Msg, filter: ConnectionFilter, to nodes: [ClusterNode]) async throws -> Int
    func doexitAll(data: String, grace: Duration?, filter: ConnectionFilter, to nodes: [ClusterNode]) async throws -> Int
}
