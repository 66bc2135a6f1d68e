import GatewayTestSupport
import GatewayCurl
import GatewayUpstream
import GtcpClient
import GtcpWire
import Logging
import NIOCore
import NIOPosix

@testable import GatewayCore

/// A gateway that sends lifecycle events to `eventsURL` through a real libcurl client, all
/// in-process on 127.0.0.1 and ephemeral ports. When the body ends the gateway drains, the
/// events it leaves are flushed, and libcurl's thread stops.
struct EventingGateway {
    let port: Int
    let registry: ConnectionRegistry
    let policy: LivePolicy
    let framing: GtcpFraming
    let counters: CounterRecorder

    static func run<Result: Sendable>(
        eventsURL: String,
        connectHook: Bool = false,
        timeout: Duration = .seconds(10),
        queueSize: Int = 10_000,
        retry: EventRetry = .standard,
        configuration: GatewayConfiguration = GatewayConfiguration(port: 0),
        _ body: (EventingGateway) async throws -> Result
    ) async throws -> Result {
        let logger = Logger.quiet("gtcp-gateway-events-test")
        let group = MultiThreadedEventLoopGroup.singleton
        let counters = CounterRecorder()
        let metrics = GatewayMetrics(factory: counters)
        let registry = ConnectionRegistry(group: group)
        let policy = LivePolicy(ConnectionPolicy())
        let curl = try CurlClient(logger: logger)
        let events = LifecycleEvents(
            configuration: EventsConfiguration(url: eventsURL, timeout: timeout, connectHook: connectHook),
            queueSize: queueSize, poster: curl, metrics: metrics, retry: retry, eventLoop: group.next(),
            logger: logger)
        let server = GatewayServer(
            configuration: configuration, policy: policy, upstream: nil, registry: registry,
            readiness: GatewayReadiness(listeners: 1), metrics: metrics, group: group, logger: logger,
            events: events)
        // The order the composition root uses: the listener drains before the events flush.
        let result: Result
        do {
            result = try await withRunningServices([events, server], logger: logger) {
                let gateway = EventingGateway(
                    port: try await server.localAddress.port!, registry: registry, policy: policy,
                    framing: configuration.framing, counters: counters)
                return try await body(gateway)
            }
        } catch {
            await curl.shutdown()
            throw error
        }
        await curl.shutdown()
        return result
    }

    func connect() async throws -> GtcpClientConnection {
        try await GtcpClientConnection.connect(host: "127.0.0.1", port: port, framing: framing)
    }

    func droppedEvents(_ reason: String) -> Int64 {
        counters.value("gtcp_events_dropped_total", [("reason", reason)])
    }
}
