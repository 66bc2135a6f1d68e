import GatewayCurl
import GatewayTestSupport
import GatewayUpstream
import GtcpClient
import GtcpWire
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import Synchronization
import Testing

@testable import GatewayCore

/// The upstream goes away under load and comes back on the same port: the gateway answers every
/// request once, keeps serving built-in acts, and forwards again without a restart.
@Suite(.timeLimit(.minutes(2)))
struct UpstreamOutageTests {
    private static func echoRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/acts/echo") { request, _ -> Response in
            Response(status: .ok, body: ResponseBody(byteBuffer: try await request.body.collect(upTo: 1 << 20)))
        }
        return router
    }

    @Test func everyRequestGetsOneReplyWhileTheUpstreamRestarts() async throws {
        let first = try await TestBackend.start(Self.echoRouter())
        let port = first.port
        var logger = Logger(label: "test-upstream")
        logger.logLevel = .critical
        let upstream = try CurlUpstream(
            configuration: UpstreamConfiguration(
                urlTemplate: "http://127.0.0.1:\(port)/acts/{act}",
                timeout: .seconds(5),
                connectTimeout: .seconds(1)
            ),
            logger: logger
        )
        let configuration = GatewayConfiguration(port: 0, maxInFlightPerConnection: 8)
        try await TestGateway.run(configuration: configuration, upstream: upstream) { gateway in
            let loaded = try await gateway.connect()
            let load = ForwardedLoad(loaded)
            let loading = Task { try await load.run(window: 8) }
            await load.waitForReplies(100)

            try await first.stop()
            // Nothing listens on the port now: built-in acts still work, forwarded ones fail fast.
            let probe = try await gateway.connect()
            var probeReplies = MessageReader(probe)
            try await probe.send(Msg(act: "hello", data: "probe"))
            #expect(try await probeReplies.next() == Msg(act: "hello", data: "Nice to meet you!"))
            try await probe.send(Msg(act: "echo", data: "during"))
            let failed = try #require(try await probeReplies.next())
            #expect(failed.act == "error")
            #expect(failed.data.hasPrefix(#"{"act":"echo","status":null,"error":"upstream refused the connection""#))
            let repliesDuringOutage = load.repliesSoFar

            let second = try await TestBackend.start(Self.echoRouter(), port: port)
            try await probe.send(Msg(act: "echo", data: "after"))
            #expect(try await probeReplies.next() == Msg(act: "echo", data: "after"))
            await load.waitForReplies(repliesDuringOutage + 100)
            load.stop()
            let outcome = try await loading.value

            #expect(outcome.answered + outcome.failed == outcome.sent)
            #expect(outcome.failed > 0)
            #expect(outcome.lastWasAnswered)
            await probe.close()
            try await second.stop()
        }
        await upstream.shutdown()
    }
}

/// Keeps `window` echo requests outstanding on one connection until stopped, checking that the
/// n-th reply answers the n-th request: its echo, or an `error` for act `echo`.
final class ForwardedLoad: Sendable {
    struct Outcome: Sendable {
        var sent = 0
        var answered = 0
        var failed = 0
        var lastWasAnswered = false
    }

    private let connection: GtcpClientConnection
    private let stopped = Atomic(false)
    private let progress = NIOLockedValueBox<(replies: Int, waiters: [(Int, CheckedContinuation<Void, Never>)])>((0, []))

    init(_ connection: GtcpClientConnection) {
        self.connection = connection
    }

    var repliesSoFar: Int { progress.withLockedValue { $0.replies } }

    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    func waitForReplies(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let now = progress.withLockedValue { progress in
                if progress.replies >= count {
                    return true
                }
                progress.waiters.append((count, continuation))
                return false
            }
            if now {
                continuation.resume()
            }
        }
    }

    func run(window: Int) async throws -> Outcome {
        var outcome = Outcome()
        var replies = MessageReader(connection)
        for _ in 0..<window {
            try await connection.send(Msg(act: "echo", data: "\(outcome.sent)"))
            outcome.sent += 1
        }
        var received = 0
        while received < outcome.sent {
            let reply = try #require(try await replies.next())
            if reply == Msg(act: "echo", data: "\(received)") {
                outcome.answered += 1
                outcome.lastWasAnswered = true
            } else {
                #expect(reply.act == "error" && reply.data.hasPrefix(#"{"act":"echo","#), "reply \(received): \(reply)")
                outcome.failed += 1
                outcome.lastWasAnswered = false
            }
            received += 1
            replied(received)
            if !stopped.load(ordering: .relaxed) {
                try await connection.send(Msg(act: "echo", data: "\(outcome.sent)"))
                outcome.sent += 1
            }
        }
        // Nothing beyond one reply per request: the next message answers this hello.
        try await connection.send(Msg(act: "hello"))
        #expect(try await replies.next()?.act == "hello")
        await connection.close()
        return outcome
    }

    private func replied(_ count: Int) {
        let ready = progress.withLockedValue { progress in
            progress.replies = count
            let ready = progress.waiters.filter { $0.0 <= count }.map(\.1)
            progress.waiters.removeAll { $0.0 <= count }
            return ready
        }
        ready.forEach { $0.resume() }
    }
}
