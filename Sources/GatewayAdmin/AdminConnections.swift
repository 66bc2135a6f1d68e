import GatewayCore
import GtcpWire

/// What the admin API needs of the registry; the seam lets the HTTP layer be tested on its own.
protocol AdminConnections: Sendable {
    func page(after cursor: ConnectionID?, limit: Int, filter: ConnectionFilter) async -> ConnectionPage
    func snapshot(of id: ConnectionID) async -> ConnectionSnapshot?
    func push(_ msg: Msg, to id: ConnectionID) async -> PushOutcome
    func request(_ msg: Msg, to id: ConnectionID, replyAct: String, timeout: Duration) async -> RequestOutcome
    func doexit(_ id: ConnectionID, data: String, grace: Duration?) async -> PushOutcome
    func close(_ id: ConnectionID) async -> PushOutcome
    func broadcast(_ msg: Msg, filter: ConnectionFilter) async -> Int
    func doexitAll(data: String, grace: Duration?, filter: ConnectionFilter) async -> Int
}

extension ConnectionRegistry: AdminConnections {}

/// What `/readyz` asks.
protocol ReadinessSource: Sendable {
    var isReady: Bool { get }
}

extension GatewayReadiness: ReadinessSource {}
