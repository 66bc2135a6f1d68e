import GatewayCore
import Hummingbird
import Logging
import Prometheus

/// Builds the admin HTTP API over a running gateway.
public enum AdminAPI {
    /// The admin server, a `Service` for the gateway's `ServiceGroup`.
    ///
    /// - Parameters:
    ///   - onServerRunning: called with the bound port once the listener accepts
    ///     connections (port 0 in `configuration` picks a free one).
    ///   - tls: serves HTTPS with the context it holds when each connection arrives; nil: HTTP.
    public static func application(
        configuration: AdminConfiguration,
        connections: any AdminConnections,
        cluster: (any AdminCluster)? = nil,
        readiness: GatewayReadiness,
        metrics: PrometheusCollectorRegistry,
        logger: Logger,
        onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in },
        tls: LiveTLSContext? = nil
    ) -> some ApplicationProtocol {
        Application(
            router: Self.router(
                configuration: configuration, connections: connections, cluster: cluster, readiness: readiness,
                metrics: metrics),
            server: tls.map { .http1(tls: $0) } ?? .http1(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in
                await onServerRunning(channel.localAddress?.port ?? configuration.port)
            },
            logger: logger
        )
    }

    static func router(
        configuration: AdminConfiguration,
        connections: any AdminConnections,
        cluster: (any AdminCluster)? = nil,
        readiness: any ReadinessSource,
        metrics: PrometheusCollectorRegistry
    ) -> Router<BasicRequestContext> {
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: ProblemMiddleware())
        // Probes come before the token check, which applies only to routes added after it.
        ProbeRoutes(readiness: readiness).register(on: router)
        router.add(middleware: BearerAuthMiddleware(token: configuration.token))
        ConnectionRoutes(
            connections: connections,
            maxBodyBytes: configuration.maxBodyBytes
        ).register(on: router)
        MessageRoutes(connections: connections, maxBodyBytes: configuration.maxBodyBytes).register(on: router)
        RequestRoutes(connections: connections, maxBodyBytes: configuration.maxBodyBytes).register(on: router)
        if let cluster {
            ClusterRoutes(cluster: cluster).register(on: router)
        }
        MetricsRoute(registry: metrics).register(on: router)
        return router
    }
}
