import GatewayAdmin
import GatewayCore
import GtcpWire

/// The admin API's view of the whole cluster: this node's connections from its registry, other
/// nodes' from the directory, and commands for theirs through ``ClusterCommandRouting``.
///
/// An id tells its node (``ConnectionIDLayout``), so a command for a local connection never
/// touches the database. A command for a node that is gone is a 404, like any unknown id.
public struct ClusterConnections: AdminConnections {
    private let registry: ConnectionRegistry
    private let directory: ClusterDirectory
    private let commands: (any ClusterCommandRouting)?

    /// - Parameter commands: nil: commands for other nodes' connections answer 503.
    public init(registry: ConnectionRegistry, directory: ClusterDirectory, commands: (any ClusterCommandRouting)?) {
        precondition(registry.incarnation == directory.node.incarnation)
        self.registry = registry
        self.directory = directory
        self.commands = commands
    }

    private var node: ClusterNode { directory.node }

    // MARK: Listing

    /// Merges this node's page and the other nodes' page after the same cursor: ids are unique
    /// across the cluster, so the first `limit` of both in id order is the cluster's page.
    public func page(after cursor: ConnectionID?, limit: Int, filter: ConnectionFilter) async throws -> ConnectionPage {
        var local: ConnectionPage?
        var remote: ConnectionPage?
        if includesLocal(filter) {
            local = await registry.page(after: cursor, limit: limit, filter: localFilter(filter))
        }
        if filter.node != node.name {
            remote = try await directory.page(after: cursor, limit: limit, filter: filter)
        }
        var connections = (local?.connections ?? []).map(stamped) + (remote?.connections ?? [])
        connections.sort { $0.id < $1.id }
        let more = connections.count > limit || local?.next != nil || remote?.next != nil
        connections.removeLast(max(connections.count - limit, 0))
        return ConnectionPage(
            total: (local?.total ?? 0) + (remote?.total ?? 0),
            connections: connections,
            next: more ? connections.last?.id : nil)
    }

    public func snapshot(of id: ConnectionID) async throws -> ConnectionSnapshot? {
        if registry.issued(id) {
            return await registry.snapshot(of: id).map(stamped)
        }
        guard let (owner, commands) = try await owner(of: id) else { return nil }
        return try await commands.snapshot(of: id, on: owner)
    }

    // MARK: Commands for one connection

    public func push(_ msg: Msg, to id: ConnectionID) async throws -> PushOutcome {
        if registry.issued(id) { return await registry.push(msg, to: id) }
        guard let (owner, commands) = try await owner(of: id) else { return .notFound }
        return try await commands.push(msg, to: id, on: owner)
    }

    public func request(_ msg: Msg, to id: ConnectionID, replyAct: String, timeout: Duration) async throws -> RequestOutcome {
        if registry.issued(id) { return await registry.request(msg, to: id, replyAct: replyAct, timeout: timeout) }
        guard let (owner, commands) = try await owner(of: id) else { return .notFound }
        return try await commands.request(msg, to: id, on: owner, replyAct: replyAct, timeout: timeout)
    }

    public func doexit(_ id: ConnectionID, data: String, grace: Duration?) async throws -> PushOutcome {
        if registry.issued(id) { return await registry.doexit(id, data: data, grace: grace) }
        guard let (owner, commands) = try await owner(of: id) else { return .notFound }
        return try await commands.doexit(id, on: owner, data: data, grace: grace)
    }

    public func close(_ id: ConnectionID) async throws -> PushOutcome {
        if registry.issued(id) { return await registry.close(id) }
        guard let (owner, commands) = try await owner(of: id) else { return .notFound }
        return try await commands.close(id, on: owner)
    }

    /// The live node holding `id` and the way to reach it; nil when no live node has its
    /// incarnation.
    private func owner(of id: ConnectionID) async throws -> (ClusterNode, any ClusterCommandRouting)? {
        guard let owner = try await directory.liveNode(incarnation: ConnectionIDLayout.incarnation(of: id)) else {
            return nil
        }
        return (owner, try router(for: owner))
    }

    private func router(for node: ClusterNode) throws -> any ClusterCommandRouting {
        guard let commands else {
            throw ClusterUnavailable(node: node.name, detail: "commands cannot reach node \(node.name): no command bus")
        }
        return commands
    }

    // MARK: Broadcasts

    public func broadcast(_ msg: Msg, filter: ConnectionFilter) async throws -> Int {
        let others = try await otherNodes(matching: filter)
        var count = 0
        if includesLocal(filter) {
            count += await registry.broadcast(msg, filter: localFilter(filter))
        }
        if let first = others.first {
            count += try await router(for: first).broadcast(msg, filter: filter, to: others)
        }
        return count
    }

    public func doexitAll(data: String, grace: Duration?, filter: ConnectionFilter) async throws -> Int {
        let others = try await otherNodes(matching: filter)
        var count = 0
        if includesLocal(filter) {
            count += await registry.doexitAll(data: data, grace: grace, filter: localFilter(filter))
        }
        if let first = others.first {
            count += try await router(for: first).doexitAll(data: data, grace: grace, filter: filter, to: others)
        }
        return count
    }

    private func otherNodes(matching filter: ConnectionFilter) async throws -> [ClusterNode] {
        guard filter.node != node.name else { return [] }
        return try await directory.otherLiveNodes().filter { filter.node == nil || $0.name == filter.node }
    }

    // MARK: Local

    private func includesLocal(_ filter: ConnectionFilter) -> Bool {
        filter.node == nil || filter.node == node.name
    }

    /// The registry knows no node names: a filter reaching it keeps only the other criteria.
    private func localFilter(_ filter: ConnectionFilter) -> ConnectionFilter {
        ConnectionFilter(clientName: filter.clientName, remoteAddress: filter.remoteAddress)
    }

    private func stamped(_ snapshot: ConnectionSnapshot) -> ConnectionSnapshot {
        var snapshot = snapshot
        snapshot.node = node.name
        return snapshot
    }
}

/// `GET /cluster/nodes` from the directory.
struct ClusterNodes: AdminCluster {
    let directory: ClusterDirectory

    func nodes() async throws -> [ClusterNodeInfo] {
        try await directory.nodes()
    }
}
