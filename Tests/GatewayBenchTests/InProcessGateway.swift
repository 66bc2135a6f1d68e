import GatewayAdmin
import GatewayCore
import GatewayService
import GatewayTestSupport
import GatewayUpstream
import Logging
import Metrics
import NIOPosix
import Prometheus
import SettingsText

/// A gateway and its admin API in this process on ephemeral loopback ports, drained when the body ends.
struct InProcessGateway {
    let address: HostPort
    let adminPort: Int

    static func run<Result: Sendable>(
        upstream: (any Upstream)? = nil,
        tls: LiveTLSContext? = nil,
        _ body: (InProcessGateway) async throws -> Result
    ) async throws -> Result {
        let logger = Logger.quiet("gtcp-gateway-bench-test")
        let group = MultiThreadedEventLoopGroup.singleton
        let registry = ConnectionRegistry(group: group)
        let readiness = GatewayReadiness(listeners: 2)
        let server = GatewayServer(
            configuration: GatewayConfiguration(port: 0, shutdownGrace: .seconds(1)),
            policy: LivePolicy(ConnectionPolicy()),
            upstream: upstream,
            registry: registry,
            readiness: readiness,
            metrics: GatewayMetrics(factory: NOOPMetricsHandler.instance),
            group: group,
            logger: logger,
            tls: tls
        )
        let (adminPorts, adminPortContinuation) = AsyncStream.makeStream(of: Int.self)
        let admin = AdminAPI.application(
            configuration: AdminConfiguration(port: 0),
            connections: registry,
            readiness: readiness,
            metrics: PrometheusCollectorRegistry(),
            logger: logger,
            onServerRunning: { port in
                adminPortContinuation.yield(port)
                adminPortContinuation.finish()
            }
        )
        return try await withRunningServices([server, admin], logger: logger) {
            var ports = adminPorts.makeAsyncIterator()
            let gateway = InProcessGateway(
                address: HostPort(host: "127.0.0.1", port: try await server.localAddress.port!),
                adminPort: await ports.next()!
            )
            return try await body(gateway)
        }
    }
}

/// An upstream that answers every request at once with the same outcome.
struct FixedUpstream: Upstream {
    let outcome: UpstreamOutcome

    func forward(_ request: UpstreamRequest, completion: @escaping @Sendable (UpstreamOutcome) -> Void) {
        completion(outcome)
    }
}
