import GatewayCore
import GatewayUpstream
import GtcpClient
import GtcpWire
import Logging
import Metrics
import NIOCore
import NIOPosix

/// A gateway running in-process on 127.0.0.1 and an ephemeral port, drained when the body ends.
public struct TestGateway: Sendable {
    public let port: Int
    public let registry: ConnectionRegistry
    public let policy: LivePolicy
    public let framing: GtcpFraming
    public let server: GatewayServer

    public static func run<Result: Sendable>(
        configuration: GatewayConfiguration = GatewayConfiguration(port: 0),
        policy: ConnectionPolicy = ConnectionPolicy(),
        upstream: (any Upstream)? = nil,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        tls: LiveTLSContext? = nil,
        directory: (any ConnectionDirectorySink)? = nil,
        _ body: (TestGateway) async throws -> Result
    ) async throws -> Result {
        let logger = Logger.quiet("gtcp-gateway-test")
        let group = MultiThreadedEventLoopGroup.singleton
        let registry = ConnectionRegistry(group: group, directory: directory)
        let livePolicy = LivePolicy(policy)
        let server = GatewayServer(
            configuration: configuration,
            policy: livePolicy,
            upstream: upstream,
            registry: registry,
            readiness: GatewayReadiness(listeners: 1),
            metrics: GatewayMetrics(factory: metrics),
            group: group,
            logger: logger,
            tls: tls
        )
        return try await withRunningServices([server], logger: logger) {
            let gateway = TestGateway(
                port: try await server.localAddress.port!,
                registry: registry,
                policy: livePolicy,
                framing: configuration.framing,
                server: server
            )
            return try await body(gateway)
        }
    }

    public func connect() async throws -> GtcpClientConnection {
        try await GtcpClientConnection.connect(host: "127.0.0.1", port: port, framing: framing)
    }
}

/// Reads one connection's messages in order.
public struct MessageReader {
    private var iterator: AsyncThrowingStream<Msg, any Error>.AsyncIterator

    public init(_ connection: GtcpClientConnection) {
        iterator = connection.messages.makeAsyncIterator()
    }

    /// The next message, or nil once the gateway closed the connection.
    public mutating func next() async throws -> Msg? {
        try await iterator.next()
    }
}
