import GatewayTestSupport
import GatewayCurl
import GatewayUpstream
import Hummingbird
import Logging
import ServiceLifecycle

/// An HTTP backend on 127.0.0.1, for the duration of the body or until stopped.
struct TestBackend {
    let port: Int
    private let serviceGroup: ServiceGroup
    private let running: Task<Void, any Error>

    /// Starts a backend on `port` (0: an ephemeral one).
    static func start(_ router: Router<BasicRequestContext>, port: Int = 0) async throws -> TestBackend {
        let logger = Logger.quiet("test-backend")
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { portContinuation.yield($0.localAddress!.port!) },
            logger: logger
        )
        let serviceGroup = ServiceGroup(services: [app], logger: logger)
        let running = Task {
            defer { portContinuation.finish() }
            try await serviceGroup.run()
        }
        var portIterator = ports.makeAsyncIterator()
        guard let bound = await portIterator.next() else {
            try await running.value
            throw CancellationError()
        }
        return TestBackend(port: bound, serviceGroup: serviceGroup, running: running)
    }

    /// Shuts down gracefully; returns once the port is closed.
    func stop() async throws {
        await serviceGroup.triggerGracefulShutdown()
        try await running.value
    }

    static func run<Result: Sendable>(
        _ router: Router<BasicRequestContext>,
        _ body: (_ port: Int) async throws -> Result
    ) async throws -> Result {
        let backend = try await start(router)
        do {
            let result = try await body(backend.port)
            try await backend.stop()
            return result
        } catch {
            backend.running.cancel()
            _ = try? await backend.running.value
            throw error
        }
    }

    /// A backend serving `router` and a libcurl upstream that POSTs each act to it at
    /// `/acts/{act}`, for the length of the body. `upstream` gives the rest of the upstream's
    /// configuration.
    static func runWithUpstream<Result: Sendable>(
        _ router: Router<BasicRequestContext>,
        upstream configuration: UpstreamConfiguration = UpstreamConfiguration(urlTemplate: nil),
        _ body: (CurlUpstream) async throws -> Result
    ) async throws -> Result {
        try await run(router) { port in
            var configuration = configuration
            configuration.urlTemplate = "http://127.0.0.1:\(port)/acts/{act}"
            let upstream = try CurlUpstream(configuration: configuration, logger: .quiet("test-upstream"))
            let result: Result
            do {
                result = try await body(upstream)
            } catch {
                await upstream.shutdown()
                throw error
            }
            await upstream.shutdown()
            return result
        }
    }
}
