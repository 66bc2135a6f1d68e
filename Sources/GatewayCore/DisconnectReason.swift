/// Why a connection ended, as its `disconnected` event tells the backend.
enum DisconnectReason: String, Sendable, CaseIterable {
    case clientClosed = "client_closed"
    case idleTimeout = "idle_timeout"
    /// The gateway sent `doexit` (admin or max connection age), and the client left or was closed.
    case doexit
    case adminClose = "admin_close"
    case error
    case shutdown
    /// The connect hook did not admit it.
    case refused

    /// `exitCause` is why the gateway sent `doexit`, if it did: a client that leaves after
    /// being told to has left because of it.
    init(_ closeReason: CloseReason, exitCause: DisconnectReason?) {
        switch closeReason {
        case .clientClosed: self = exitCause ?? .clientClosed
        case .idleTimeout: self = .idleTimeout
        case .doexitGraceExpired: self = exitCause ?? .doexit
        case .adminClose: self = .adminClose
        case .framingError, .connectionError, .slowReader, .partialPacketBudget: self = .error
        case .shutdown: self = .shutdown
        case .admissionRefused: self = .refused
        }
    }
}
