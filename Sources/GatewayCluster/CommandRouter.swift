import GatewayAdmin
import GatewayCore
import GtcpWire
import NIOCore

/// Admin commands for other nodes' connections, carried by the command bus; the owner's own
/// outcome comes back, and a node that does not answer is a `ClusterUnavailable` naming it.
struct CommandRouter: ClusterCommandRouting {
    let bus: CommandBus

    func snapshot(of id: ConnectionID, on node: ClusterNode) async throws -> ConnectionSnapshot? {
        try await send(.snapshot(id: id), to: node, about: id) { reply -> ConnectionSnapshot?? in
            guard case .snapshot(var snapshot) = reply else { return nil }
            snapshot?.node = node.name
            return .some(snapshot)
        }
    }

    func push(_ msg: Msg, to id: ConnectionID, on node: ClusterNode) async throws -> PushOutcome {
        try await send(.push(id: id, act: msg.act, data: msg.data), to: node, about: id, \.pushOutcome)
    }

    func request(
        _ msg: Msg, to id: ConnectionID, on node: ClusterNode, replyAct: String, timeout: Duration
    ) async throws -> RequestOutcome {
        let command = ClusterCommand.request(
            id: id, act: msg.act, data: msg.data, replyAct: replyAct, timeoutMs: timeout.milliseconds)
        return try await send(command, to: node, about: id, \.requestOutcome)
    }

    func doexit(_ id: ConnectionID, on node: ClusterNode, data: String, grace: Duration?) async throws -> PushOutcome {
        try await send(.doexit(id: id, data: data, graceMs: grace?.milliseconds), to: node, about: id, \.pushOutcome)
    }

    func close(_ id: ConnectionID, on node: ClusterNode) async throws -> PushOutcome {
        try await send(.close(id: id), to: node, about: id, \.pushOutcome)
    }

    func broadcast(_ msg: Msg, filter: ConnectionFilter, to nodes: [ClusterNode]) async throws -> Int {
        let command = ClusterCommand.broadcast(
            act: msg.act, data: msg.data, clientName: filter.clientName, remoteAddress: filter.remoteAddress)
        return try await sendToAll(command, nodes: nodes, done: "sent")
    }

    func doexitAll(data: String, grace: Duration?, filter: ConnectionFilter, to nodes: [ClusterNode]) async throws -> Int {
        let command = ClusterCommand.doexitAll(
            data: data, graceMs: grace?.milliseconds, clientName: filter.clientName, remoteAddress: filter.remoteAddress)
        return try await sendToAll(command, nodes: nodes, done: "told to exit")
    }

    /// The owner's outcome of a command for one connection.
    private func send<Outcome>(
        _ command: ClusterCommand, to node: ClusterNode, about id: ConnectionID, _ outcome: (ClusterReply) -> Outcome?
    ) async throws -> Outcome {
        let result = await bus.send(command, to: CommandBus.channel(of: node)).flatMap { reply in
            outcome(reply).map { .success($0) } ?? .failure(.unexpected(reply))
        }
        switch result {
        case .success(let outcome):
            return outcome
        case .failure(let failure):
            throw ClusterUnavailable(node: node.name, detail: failure.detail(node: node, about: "the \(command.name) to connection \(id)"))
        }
    }

    /// Sends to every node at once and sums their counts; when one does not answer, the call
    /// fails naming it, with what the others did in the detail.
    private func sendToAll(_ command: ClusterCommand, nodes: [ClusterNode], done: String) async throws -> Int {
        let results = await withTaskGroup(of: (ClusterNode, Result<ClusterReply, CommandFailure>).self) { group in
            for node in nodes {
                group.addTask { (node, await bus.send(command, to: CommandBus.channel(of: node))) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        var count = 0
        var failures: [(ClusterNode, CommandFailure)] = []
        for (node, result) in results {
            switch result {
            case .success(.count(let n)): count += n
            case .success(let reply): failures.append((node, .unexpected(reply)))
            case .failure(let failure): failures.append((node, failure))
            }
        }
        guard let (node, failure) = failures.first else { return count }
        throw ClusterUnavailable(
            node: node.name,
            detail: failure.detail(node: node, about: "the \(command.name)")
                + "; \(count) connections on the nodes that answered were \(done)")
    }
}

extension CommandFailure {
    func detail(node: ClusterNode, about subject: String) -> String {
        switch self {
        case .unanswered(let timeout):
            "node \(node.name) did not answer \(subject) within \(timeout); whether it took effect is unknown"
        case .database(let error):
            "could not reach node \(node.name) through the cluster database: \(error)"
        case .unexpected(let reply):
            "node \(node.name) answered \(subject) with \(reply), which this gateway does not understand"
        }
    }
}

extension Duration {
    var milliseconds: Int64 { TimeAmount(self).nanoseconds / 1_000_000 }
}
