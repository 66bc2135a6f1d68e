import GatewayTestSupport
import GatewayCurl
import GatewayUpstream
import GtcpClient
import GtcpWire
import Hummingbird
import Logging
import NIOCore
import NIOPosix

@testable import GatewayCore

/// A gateway that sends lifecycle events to a receiver through a real libcurl client, all
/// in-process on 127.0.0.1 and ephemeral ports. When the body ends the gateway drains, the
/// events it leaves are flushed, and libcurl's thread stops.
struct EventingGateway {
    let port: Int
    let registry: ConnectionRegistry
    let policy: LivePolicy
    let framing: GtcpFraming
    let counters: CounterRecorder

    /// `receiver` answers `POST /events`; nil stands for a receiver that is down, a port that
    /// was bound and closed.
    static func run<Result: Sendable>(
        receiver: Router<BasicRequestContext>?,
        connectHook: Bool = false,
        timeout: Duration = .seconds(10),
        queueSize: Int = 10_000,
        retry: EventRetry = .standard,
        configuration: GatewayConfiguration = GatewayConfiguration(port: 0),
        _ body: (EventingGateway) async throws -> Result
    ) async throws -> Result {
        try await Self.withReceiver(receiver) { receiverPort in
            try await run(
                events: EventsConfiguration(
                    url: "http://127.0.0.1:\(receiverPort)/events", timeout: timeout, connectHook: connectHook),
                queueSize: queueSize, retry: retry, configuration: configuration, body)
        }
    }

    /// Events sent as `events` says, to a receiver the test runs itself (nginx, say).
    static func run<Result: Sendable>(
        events eventsConfiguration: EventsConfiguration,
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
            configuration: eventsConfiguration,
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

    private static func withReceiver<Result: Sendable>(
        _ receiver: Router<BasicRequestContext>?,
        _ body: (_ port: Int) async throws -> Result
    ) async throws -> Result {
        guard let receiver else {
            return try await body(try await TestBackend.run(Router()) { $0 })
        }
        return try await TestBackend.run(receiver, body)
    }

    func connect() async throws -> GtcpClientConnection {
        try await GtcpClientConnection.connect(host: "127.0.0.1", port: port, framing: framing)
    }

    /// A client that has sent `hello` as `name`.
    func connect(hello name: String) async throws -> GtcpClientConnection {
        let client = try await connect()
        try await client.send(Msg(act: "hello", data: name))
        return client
    }

    func droppedEvents(_ reason: String) -> Int64 {
        counters.value("gtcp_events_dropped_total", [("reason", reason)])
    }
}
