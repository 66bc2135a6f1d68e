import GatewayAdmin
import GatewayCore
import GatewayTestSupport
import Logging
import NIOCore
import NIOPosix
import Prometheus
import Testing

/// Runs the admin API with `limits` on an ephemeral port for as long as `body` runs.
func withAdminListener(
    limits: AdminConnectionLimits, _ body: @Sendable (_ port: Int) async throws -> Void
) async throws {
    let logger = Logger.quiet("admin-limits-test")
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    let admin = AdminAPI.application(
        configuration: AdminConfiguration(port: 0, limits: limits),
        connections: ConnectionRegistry(group: MultiThreadedEventLoopGroup.singleton),
        readiness: GatewayReadiness(listeners: 1),
        metrics: PrometheusCollectorRegistry(),
        logger: logger,
        onServerRunning: { portSink.yield($0) }
    )
    try await withRunningServices([admin], logger: logger) {
        var iterator = ports.makeAsyncIterator()
        try await body(try #require(await iterator.next()))
    }
}
