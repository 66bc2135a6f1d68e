import Foundation
@testable import GatewayAdmin
@testable import GatewayCore
import GtcpWire
import NIOConcurrencyHelpers

/// Stands in for the registry: answers from a fixed outcome and records what it was asked.
final class FakeConnections: AdminConnections {
    enum Call: Equatable {
        case page(cursor: ConnectionID?, limit: Int, filter: ConnectionFilter)
        case snapshot(ConnectionID)
        case push(Msg, ConnectionID)
        case request(Msg, ConnectionID, replyAct: String, timeout: Duration)
        case doexit(ConnectionID, data: String, grace: Duration?)
        case close(ConnectionID)
        case broadcast(Msg, ConnectionFilter)
        case doexitAll(data: String, grace: Duration?, filter: ConnectionFilter)
    }

    private let recorded = NIOLockedValueBox<[Call]>([])
    let snapshots: [ConnectionSnapshot]
    let outcome: PushOutcome
    let requestOutcome: RequestOutcome
    let matching: Int

    init(
        snapshots: [ConnectionSnapshot] = [],
        outcome: PushOutcome = .sent,
        requestOutcome: RequestOutcome = .timedOut,
        matching: Int = 0
    ) {
        self.snapshots = snapshots
        self.outcome = outcome
        self.requestOutcome = requestOutcome
        self.matching = matching
    }

    var calls: [Call] { self.recorded.withLockedValue { $0 } }

    private func record(_ call: Call) {
        self.recorded.withLockedValue { $0.append(call) }
    }

    func page(after cursor: ConnectionID?, limit: Int, filter: ConnectionFilter) async -> ConnectionPage {
        self.record(.page(cursor: cursor, limit: limit, filter: filter))
        let after = self.snapshots.filter { snapshot in cursor.map { snapshot.id > $0 } ?? true }
        let connections = Array(after.prefix(limit))
        return ConnectionPage(
            total: self.snapshots.count,
            connections: connections,
            next: after.count > limit ? connections.last?.id : nil
        )
    }

    func snapshot(of id: ConnectionID) async -> ConnectionSnapshot? {
        self.record(.snapshot(id))
        return self.snapshots.first { $0.id == id }
    }

    func push(_ msg: Msg, to id: ConnectionID) async -> PushOutcome {
        self.record(.push(msg, id))
        return self.outcome
    }

    func request(_ msg: Msg, to id: ConnectionID, replyAct: String, timeout: Duration) async -> RequestOutcome {
        self.record(.request(msg, id, replyAct: replyAct, timeout: timeout))
        return self.requestOutcome
    }

    func doexit(_ id: ConnectionID, data: String, grace: Duration?) async -> PushOutcome {
        self.record(.doexit(id, data: data, grace: grace))
        return self.outcome
    }

    func close(_ id: ConnectionID) async -> PushOutcome {
        self.record(.close(id))
        return self.outcome
    }

    func broadcast(_ msg: Msg, filter: ConnectionFilter) async -> Int {
        self.record(.broadcast(msg, filter))
        return self.matching
    }

    func doexitAll(data: String, grace: Duration?, filter: ConnectionFilter) async -> Int {
        self.record(.doexitAll(data: data, grace: grace, filter: filter))
        return self.matching
    }
}

struct FakeReadiness: ReadinessSource {
    var isReady: Bool
}

extension ConnectionSnapshot {
    static func fake(
        id: ConnectionID, clientName: String? = nil, clientCertificateSubject: String? = nil, closing: Bool = false
    ) -> ConnectionSnapshot {
        ConnectionSnapshot(
            id: id,
            remoteAddress: "127.0.0.1:\(40000 + id % 20000)",
            clientName: clientName,
            clientCertificateSubject: clientCertificateSubject,
            connectedAt: Date(timeIntervalSince1970: 1_738_314_902.125),
            lastActiveAt: Date(timeIntervalSince1970: 1_738_315_000.25),
            packetsIn: 101,
            packetsOut: 3,
            bytesIn: 4120,
            bytesOut: 96,
            inFlight: 1,
            isClosing: closing,
            node: nil
        )
    }
}
