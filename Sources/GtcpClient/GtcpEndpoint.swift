import GtcpWire
import NIOCore
import SettingsText

/// Where and how a client reaches a gtcp server: address, framing and optional TLS.
public struct GtcpEndpoint: Sendable {
    public var server: HostPort
    public var framing: GtcpFraming
    /// nil: plain TCP.
    public var tls: GtcpClientTLS?

    public init(
        server: HostPort = HostPort(host: "127.0.0.1", port: 8999),
        framing: GtcpFraming = .default,
        tls: GtcpClientTLS? = nil
    ) {
        self.server = server
        self.framing = framing
        self.tls = tls
    }

    public func connect(timeout: TimeAmount = .seconds(5)) async throws -> GtcpClientConnection {
        try await GtcpClientConnection.connect(
            host: server.host,
            port: server.port,
            framing: framing,
            connectTimeout: timeout,
            tls: tls
        )
    }
}
