import NIOConcurrencyHelpers

/// Where the admin API listens and how it behaves.
public struct AdminConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Shared with the composition root, which may replace the token while the API runs.
    public var token: AdminToken
    /// Larger request bodies are refused with 413 before they are decoded.
    public var maxBodyBytes: Int
    public var limits: AdminConnectionLimits

    public init(
        host: String = "127.0.0.1",
        port: Int = 8989,
        token: AdminToken = AdminToken(nil),
        maxBodyBytes: Int = 1 << 20,
        limits: AdminConnectionLimits = AdminConnectionLimits()
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.maxBodyBytes = maxBodyBytes
        self.limits = limits
    }
}

/// How long admin connections may stay open and how many at once, so that slow or silent
/// clients cannot hold the admin port or the process's descriptors.
public struct AdminConnectionLimits: Sendable, Equatable {
    /// From the first byte of a request (or of the TLS handshake) to its complete head.
    public var headerTimeout: Duration
    /// With no request in progress.
    public var idleTimeout: Duration
    /// One more closes the connection that has waited longest without a request in progress.
    public var maxConnections: Int

    public init(headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60), maxConnections: Int = 256) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}

/// The bearer token the admin API demands; nil lets every request through.
public final class AdminToken: Sendable {
    private let value: NIOLockedValueBox<String?>

    public init(_ token: String?) {
        self.value = NIOLockedValueBox(token)
    }

    public var current: String? {
        self.value.withLockedValue { $0 }
    }

    /// Takes effect for the next request (configuration reload).
    public func update(_ token: String?) {
        self.value.withLockedValue { $0 = token }
    }
}
