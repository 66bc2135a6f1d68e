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
        let history = MetricsHistory()
        return Application(
            router: Self.router(
                configuration: configuration, connections: connections, cluster: cluster, readiness: readiness,
                metrics: metrics, history: history),
            server: .admin(limits: configuration.limits, tls: tls),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            services: [HistorySampler(history: history, metrics: metrics)],
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
        metrics: PrometheusCollectorRegistry,
        history: MetricsHistory = MetricsHistory()
    ) -> Router<BasicRequestContext> {
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ProblemMiddleware())
        // Probes and the console's files come before the token check, which applies only to
        // routes added after it.
        ProbeRoutes(readiness: readiness).register(on: router)
        ConsoleRoutes().register(on: router)
        router.add(middleware: BearerAuthMiddleware(token: configuration.token))
        ConnectionRoutes(
            connections: connections,
            maxBodyBytes: configuration.maxBodyBytes
        ).register(on: router)
        MessageRoutes(connections: connections, maxBodyBytes: configuration.maxBodyBytes).register(on: router)
        ClusterRoutes(cluster: cluster).register(on: router)
        MetricsRoute(registry: metrics).register(on: router)
        HistoryRoute(history: history).register(on: router)
        return router
    }
}
