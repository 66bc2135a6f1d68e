import GatewayAdmin
import GatewayCluster
import GatewayCore
import GatewayCurl
import GatewayUpstream
import Logging
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import SettingsText

/// The composition root: builds every part of the gateway from its settings and runs them in
/// one `ServiceGroup` until SIGTERM or SIGINT, then shuts them down in reverse order (a second
/// signal during that exits at once: ``StopSignals``).
///
/// Order matters: the gtcp listener drains first (clients get their replies, then `doexit`),
/// while the admin API still answers `/readyz` with 503 and the upstream still delivers; then
/// the lifecycle events the closed connections left are sent; libcurl's thread stops last, once
/// nothing can ask it for more. In cluster mode the node joins (schema, registration) before
/// anything starts, and leaves the directory and closes the database pool after the listeners.
public struct GatewayApplication {
    private let loader: SettingsLoader
    private let settings: GatewaySettings
    private let logLevel: SharedLogLevel
    private let logger: Logger

    /// - Parameters:
    ///   - loader: reads the settings again on SIGHUP.
    ///   - settings: what `loader` gave at start-up.
    ///   - logLevel: the level every logger reads; reload changes it.
    public init(loader: SettingsLoader, settings: GatewaySettings, logLevel: SharedLogLevel) {
        self.loader = loader
        self.settings = settings
        self.logLevel = logLevel
        self.logger = Logger(label: "gtcp-gateway")
    }

    public func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let prometheus = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: prometheus)
        for warning in settings.warnings {
            logger.warning("\(warning)")
        }
        var cluster: Cluster?
        if let configuration = settings.cluster {
            cluster = try await Cluster.join(configuration, group: group, metrics: factory, logger: logger)
        }
        let registry = cluster?.registry ?? ConnectionRegistry(group: group)
        let metrics = GatewayMetrics(factory: factory)
        let notifier = SystemdNotifier()
        let logger = self.logger
        let readiness = GatewayReadiness(
            listeners: settings.adminListen == nil ? 1 : 2,
            onReady: { [portsFile = settings.portsFile] ports in
                if let portsFile {
                    do {
                        try PortsFile.write(ports, to: portsFile)
                    } catch {
                        logger.error("ports-file \(portsFile) not written: \(error)")
                    }
                }
                logger.info("ready")
                try? notifier.ready(status: "serving 0 connections")
            },
            onDraining: { try? notifier.stopping() }
        )
        let policy = LivePolicy(settings.connectionPolicy)
        // The libcurl threads serve the upstream and the events receiver alike.
        let curl =
            try settings.upstream != nil || settings.events != nil
            ? CurlClient(
                threads: settings.upstreamThreads, maxConnections: settings.upstreamMaxConnections,
                maxStreams: settings.upstreamMaxStreams,
                metrics: PrometheusMetricsFactory(registry: prometheus), logger: logger) : nil
        let upstream = try curl.flatMap { curl in
            try settings.upstream.map { try CurlUpstream(configuration: $0, client: curl) }
        }
        let events = curl.flatMap { curl in
            settings.events.map {
                LifecycleEvents(
                    configuration: $0, queueSize: settings.eventsQueueSize, poster: curl, metrics: metrics,
                    eventLoop: group.next(), logger: logger)
            }
        }
        let budget = try DescriptorBudget(
            openFileLimit: FileDescriptorLimit.current ?? Int.max, maxConnections: settings.maxConnections,
            adminConnections: settings.adminListen == nil ? 0 : settings.admin.maxConnections)
        if budget.limitedByOpenFiles {
            logger.info(
                """
                at most \(budget.gtcpConnections) gtcp clients: the open-file limit leaves no more descriptors \
                beside \(SettingKeys.adminMaxConnections.name) and the gateway's own files
                """)
        }
        let adminToken = AdminToken(settings.adminToken)
        let tls = try settings.tls.map { LiveTLSContext(try $0.makeServerContext()) }
        let adminTLS = try settings.adminTLS.map { LiveTLSContext(try $0.makeServerContext()) }
        // Apart from the listeners' own lines, whose address ends them for scripts to read.
        if let files = settings.tls {
            let clients = files.clientCAPath.map { ", clients with certificates signed by \($0)" } ?? ""
            logger.info("gtcp listener speaks TLS with \(files.certificatePath)\(clients)")
        }
        if let files = settings.adminTLS, settings.adminListen != nil {
            logger.info("admin API speaks HTTPS with \(files.certificatePath)")
        }

        var services: [any Service] = [
            SystemdService(notifier: notifier, registry: registry, group: group, logger: logger)
        ]
        let commandBus = cluster.map { CommandBus(cluster: $0, metrics: factory, logger: logger) }
        if let cluster, let commandBus {
            services += cluster.services + [commandBus]
        }
        if let curl {
            services.append(CurlService(client: curl))
        }
        if let admin = settings.adminListen {
            // The admin listener announces itself below; the HTTP server's own lines add nothing.
            var adminLogger = logger
            adminLogger.logLevel = max(logLevel.level, .warning)
            let configuration = AdminConfiguration(
                host: admin.host,
                port: admin.port,
                token: adminToken,
                limits: settings.admin
            )
            services.append(
                AdminAPI.application(
                    configuration: configuration,
                    connections: cluster.map { $0.connections(commands: commandBus?.router) } ?? registry,
                    cluster: cluster?.nodes,
                    readiness: readiness,
                    metrics: prometheus,
                    logger: adminLogger,
                    onServerRunning: { port in
                        logger.info("admin API on \(HostPort(host: admin.host, port: port))")
                        readiness.listenerBound("admin", port: port)
                    },
                    tls: adminTLS
                )
            )
        }
        if let events {
            services.append(events)
        }
        services.append(
            GatewayServer(
                configuration: settings.gatewayConfiguration(maxConnections: budget.gtcpConnections),
                policy: policy,
                upstream: upstream,
                registry: registry,
                readiness: readiness,
                metrics: metrics,
                group: group,
                logger: logger,
                tls: tls,
                events: events
            )
        )
        services.append(
            ReloadService(
                loader: loader,
                started: settings,
                apply: LiveSettings(
                    policy: policy, upstream: upstream, events: events, adminToken: adminToken, logLevel: logLevel,
                    tls: tls, adminTLS: adminTLS),
                notifier: notifier,
                logger: logger
            )
        )

        let serviceGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                logger: logger
            )
        )
        try await StopSignals(logger: logger).run(serviceGroup)
        logger.info("stopped")
    }
}

extension GatewaySettings {
    func gatewayConfiguration(maxConnections: Int) -> GatewayConfiguration {
        GatewayConfiguration(
            host: listen.host,
            port: listen.port,
            framing: framing,
            maxConnections: maxConnections,
            maxInFlightPerConnection: maxInFlightPerConnection,
            maxInFlight: maxInFlight,
            shutdownGrace: shutdownGrace,
            maxOutboundBytes: maxOutboundBytes,
            maxTotalOutboundBytes: maxTotalOutboundBytes,
            maxPartialPacketBytes: maxPartialPacketBytes
        )
    }

    var connectionPolicy: ConnectionPolicy {
        ConnectionPolicy(
            greeting: greeting,
            idleTimeout: idleTimeout,
            maxConnectionAge: maxConnectionAge,
            doexitGrace: doexitGrace
        )
    }
}
