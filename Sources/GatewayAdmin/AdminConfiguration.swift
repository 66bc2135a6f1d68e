import NIOConcurrencyHelpers

/// Where the admin API listens and how it behaves.
public struct AdminConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Shared with the composition root, which may replace the token while the API runs.
    public var token: AdminToken
    /// Larger request bodies are refused with 413 before they are decoded.
    public var maxBodyBytes: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 8989,
        token: AdminToken = AdminToken(nil),
        maxBodyBytes: Int = 1 << 20
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.maxBodyBytes = maxBodyBytes
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
