import GtcpWire

// Interface only; the implementation lands with the core.
public final class ConnectionRegistry: Sendable {
    public var openCount: Int { fatalError("core not built yet") }
    public func page(after cursor: ConnectionID?, limit: Int, filter: ConnectionFilter) async -> ConnectionPage { fatalError() }
    public func snapshot(of id: ConnectionID) async -> ConnectionSnapshot? { fatalError() }
    public func push(_ msg: Msg, to id: ConnectionID) async -> PushOutcome { fatalError() }
    public func doexit(_ id: ConnectionID, data: String, grace: Duration) async -> PushOutcome { fatalError() }
    public func close(_ id: ConnectionID) async -> PushOutcome { fatalError() }
    public func broadcast(_ msg: Msg, filter: ConnectionFilter) async -> Int { fatalError() }
    public func doexitAll(data: String, grace: Duration, filter: ConnectionFilter) async -> Int { fatalError() }
}

public final class GatewayReadiness: Sendable {
    public var isReady: Bool { fatalError() }
}
