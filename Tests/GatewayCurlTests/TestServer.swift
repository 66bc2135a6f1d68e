import Foundation
import GatewayCurl
import GatewayUpstream
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A request context that remembers the client port of the TCP connection a request came on,
/// so a test can count the connections curl opened.
struct PeerRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let peerPort: Int?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerPort = source.channel.remoteAddress?.port
    }
}

struct TestServerError: Error {}

/// Runs `router` on 127.0.0.1 at a port the kernel picks (or `port`), for as long as `body` runs;
/// `backlog` is its listen socket's.
func withTestServer<Context: RequestContext, Value: Sendable>(
    _ router: Router<Context>,
    port: Int = 0,
    backlog: Int = 256,
    _ body: (_ port: Int) async throws -> Value
) async throws -> Value where Context.Source == ApplicationRequestContextSource {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "test-server")
    logger.logLevel = .error
    let app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: port), backlog: backlog),
        onServerRunning: { channel in
            if let port = channel.localAddress?.port {
                portContinuation.yield(port)
            }
            portContinuation.finish()
        },
        logger: logger
    )
    let serviceGroup = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await serviceGroup.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestServerError() }
        let result: Result<Value, any Error>
        do {
            result = .success(try await body(port))
        } catch {
            result = .failure(error)
        }
        await serviceGroup.triggerGracefulShutdown()
        return try result.get()
    }
}

/// Holds requests in a handler until the test opens it, and tells the test how many arrived.
final class Gate: Sendable {
    private struct State {
        var isOpen = false
        var held: [CheckedContinuation<Void, Never>] = []
        var arrivals = 0
        var arrivalWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = NIOLockedValueBox(State())

    func pass() async {
        await withCheckedContinuation { continuation in
            let (proceed, arrived) = state.withLockedValue { state in
                state.arrivals += 1
                let arrivals = state.arrivals
                let arrived = state.arrivalWaiters.filter { $0.count <= arrivals }.map(\.continuation)
                state.arrivalWaiters.removeAll { $0.count <= arrivals }
                if !state.isOpen {
                    state.held.append(continuation)
                }
                return (state.isOpen, arrived)
            }
            arrived.forEach { $0.resume() }
            if proceed {
                continuation.resume()
            }
        }
    }

    func open() {
        let held = state.withLockedValue { state in
            state.isOpen = true
            defer { state.held = [] }
            return state.held
        }
        held.forEach { $0.resume() }
    }

    /// Returns once `count` requests have reached the gate.
    func waitForArrivals(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let reached = state.withLockedValue { state in
                if state.arrivals >= count { return true }
                state.arrivalWaiters.append((count, continuation))
                return false
            }
            if reached {
                continuation.resume()
            }
        }
    }
}

extension CurlUpstream {
    /// CheckedContinuation traps on a second resume, so every test also checks "exactly once".
    func forward(_ request: UpstreamRequest) async -> UpstreamOutcome {
        await withCheckedContinuation { continuation in
            forward(request) { continuation.resume(returning: $0) }
        }
    }

    static func make(
        port: Int,
        path: String = "acts",
        configure: (inout UpstreamConfiguration) -> Void = { _ in }
    ) throws -> CurlUpstream {
        try CurlUpstream(
            configuration: .test(port: port, path: path, configure), logger: Logger(label: "test-upstream"))
    }

    /// Runs `body`, then opens `gate` so that no request stays parked in the backend, and shuts
    /// down, whether or not the body threw.
    func use(releasing gate: Gate, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            gate.open()
            await shutdown()
            throw error
        }
        gate.open()
        await shutdown()
    }
}

extension UpstreamConfiguration {
    static func test(
        port: Int,
        path: String = "acts",
        _ configure: (inout UpstreamConfiguration) -> Void = { _ in }
    ) -> UpstreamConfiguration {
        var configuration = UpstreamConfiguration(urlTemplate: "http://127.0.0.1:\(port)/\(path)/{act}")
        configure(&configuration)
        return configuration
    }
}

func makeRequest(
    _ act: String,
    _ data: String = "",
    clientName: String? = "sensor-7",
    requestID: String = "req-1",
    connectionID: UInt64 = 42
) -> UpstreamRequest {
    UpstreamRequest(
        act: act, data: data, connectionID: connectionID, remoteAddress: "10.1.2.3:50000", clientName: clientName,
        requestID: requestID)
}

/// Runs `body` with a loopback port whose server answers each connection's first bytes with
/// `reply`, whatever they were, and closes it: an upstream that does not speak HTTP.
func withRawReplyServer<Value>(_ reply: String, _ body: (_ port: Int) async throws -> Value) async throws -> Value {
    let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(RawReplyHandler(reply: reply))
            }
        }
        .bind(host: "127.0.0.1", port: 0).get()
    let result: Result<Value, any Error>
    do {
        result = .success(try await body(listener.localAddress!.port!))
    } catch {
        result = .failure(error)
    }
    try await listener.close()
    return try result.get()
}

private final class RawReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let reply: String

    init(reply: String) {
        self.reply = reply
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
