/// One gtcp packet to hand to the HTTP backend, with what the backend needs to know about its sender.
public struct UpstreamRequest: Sendable {
    public var act: String
    public var data: String
    public var connectionID: UInt64
    public var remoteAddress: String
    public var clientName: String?
    public var requestID: String
    /// The subject of the certificate a TLS client presented, e.g. `CN=sensor-7,O=Fleet`.
    public var clientCertificateSubject: String?

    public init(
        act: String,
        data: String,
        connectionID: UInt64,
        remoteAddress: String,
        clientName: String? = nil,
        requestID: String,
        clientCertificateSubject: String? = nil
    ) {
        self.act = act
        self.data = data
        self.connectionID = connectionID
        self.remoteAddress = remoteAddress
        self.clientName = clientName
        self.requestID = requestID
        self.clientCertificateSubject = clientCertificateSubject
    }
}

/// What the backend made of a request, already in the terms the gateway answers a client with.
public enum UpstreamOutcome: Sendable, Equatable {
    /// A 2xx answer other than 204; `act` is the response's X-Gtcp-Act header or the request's act.
    case reply(act: String, data: String)
    /// 204 No Content: the client gets nothing back.
    case noReply
    /// `status` is the HTTP status when the backend answered one, nil for transport failures.
    case failed(status: Int?, error: String)
}

public protocol Upstream: Sendable {
    /// Never blocks. `completion` runs exactly once, on any thread: usually the upstream's own,
    /// but on the caller's thread, before `forward` returns, when the request is refused at once
    /// (no target for the act, the upstream shutting down). Callers hop to their own event loop
    /// in `completion` and must not hold a lock it needs while calling `forward`.
    func forward(_ request: UpstreamRequest, completion: @escaping @Sendable (UpstreamOutcome) -> Void)

    /// Whether requests with this act go anywhere (a route or the default URL) at the moment.
    func handles(act: String) -> Bool
}

extension Upstream {
    public func handles(act: String) -> Bool { true }
}
