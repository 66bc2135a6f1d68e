import GatewayCurl
import GatewayUpstream
import Logging
import NIOConcurrencyHelpers
import Testing

@Suite struct CurlUpstreamLifecycleTests {
    /// Runs `send` against a fresh upstream; afterwards nothing may be in flight and requests
    /// 0..<count must each have completed exactly once.
    private func expectEachCompletesOnce(
        count: Int, _ send: @Sendable (CurlUpstream, CompletionTally) async -> Void
    ) async throws {
        let backend = TestBackend()
        try await withTestServer(backend.makeRouter()) { port in
            let upstream = try CurlUpstream.make(port: port)
            let completions = CompletionTally()
            await send(upstream, completions)
            #expect(upstream.inFlightCount == 0)
            await upstream.shutdown()
            #expect(completions.counts == Dictionary(uniqueKeysWithValues: (0..<count).map { ($0, 1) }))
        }
    }

    @Test func twoHundredConcurrentRequestsEachCompleteExactlyOnce() async throws {
        try await expectEachCompletesOnce(count: 200) { upstream, completions in
            let (outcomes, continuation) = AsyncStream.makeStream(of: (Int, UpstreamOutcome).self)
            for index in 0..<200 {
                upstream.forward(makeRequest("echo", "\(index)")) { outcome in
                    completions.record(index)
                    continuation.yield((index, outcome))
                }
            }
            var received = 0
            for await (index, outcome) in outcomes {
                #expect(outcome == .reply(act: "echo", data: "\(index)"))
                received += 1
                if received == 200 { break }
            }
        }
    }

    @Test func requestsFromManyThreadsAtOnceEachCompleteExactlyOnce() async throws {
        try await expectEachCompletesOnce(count: 400) { upstream, completions in
            await withTaskGroup { group in
                for sender in 0..<4 {
                    group.addTask {
                        await withTaskGroup { requests in
                            for index in sender * 100..<(sender + 1) * 100 {
                                requests.addTask {
                                    let outcome = await upstream.forward(makeRequest("echo", "\(index)"))
                                    #expect(outcome == .reply(act: "echo", data: "\(index)"))
                                    completions.record(index)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// curl counts connections in use against its cache limit and closes one whenever a transfer
    /// ends above it, so a fixed limit under the concurrency would reconnect for every request.
    @Test func requestsBesideManyHeldOnesKeepTheirConnection() async throws {
        let backend = TestBackend()
        try await withTestServer(backend.makeRouter()) { port in
            let held = 100
            let client = try CurlClient(maxConnections: held + 1, logger: Logger(label: "test-client"))
            let upstream = try CurlUpstream(configuration: .test(port: port), client: client)
            let heldOutcomes = AsyncStream.makeStream(of: UpstreamOutcome.self)
            for _ in 0..<held {
                upstream.forward(makeRequest("gated-peer")) { heldOutcomes.continuation.yield($0) }
            }
            await backend.gate.waitForArrivals(held)
            for _ in 0..<20 {
                #expect(await upstream.forward(makeRequest("peer")) == .reply(act: "peer", data: "ok"))
            }
            #expect(Set(backend.observedPeerPorts.dropFirst(held)).count == 1)

            backend.gate.open()
            var released = 0
            for await outcome in heldOutcomes.stream {
                #expect(outcome == .reply(act: "gated-peer", data: "ok"))
                released += 1
                if released == held { break }
            }
            await upstream.shutdown()
        }
    }

    @Test func shutdownLetsInFlightRequestsFinish() async throws {
        let backend = TestBackend()
        try await withTestServer(backend.makeRouter()) { port in
            let upstream = try CurlUpstream.make(port: port)
            let outcomes = AsyncStream.makeStream(of: UpstreamOutcome.self)
            for index in 0..<5 {
                upstream.forward(makeRequest("gated", requestID: "held-\(index)")) { outcomes.continuation.yield($0) }
            }
            await backend.gate.waitForArrivals(5)
            #expect(upstream.inFlightCount == 5)

            async let shutdown: Void = upstream.shutdown()
            // Once a request is refused, the upstream is draining with the five still held.
            while await upstream.forward(makeRequest("status", "204")) == .noReply {}
            #expect(upstream.inFlightCount == 5)
            backend.gate.open()
            await shutdown

            #expect(upstream.inFlightCount == 0)
            outcomes.continuation.finish()
            var received: [UpstreamOutcome] = []
            for await outcome in outcomes.stream {
                received.append(outcome)
            }
            #expect(received == Array(repeating: .reply(act: "gated", data: "released"), count: 5))
        }
    }

    @Test func requestsAfterShutdownFailClearly() async throws {
        let upstream = try CurlUpstream.make(port: 9)
        await upstream.shutdown()
        #expect(
            await upstream.forward(makeRequest("echo"))
                == .failed(status: nil, error: "gateway is shutting down"))
        #expect(upstream.inFlightCount == 0)
        await upstream.shutdown()
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        let backend = TestBackend()
        try await withTestServer(backend.makeRouter()) { port in
            let upstream = try CurlUpstream.make(port: port)
            for _ in 0..<30 {
                #expect(await upstream.forward(makeRequest("peer")) == .reply(act: "peer", data: "ok"))
            }
            await upstream.shutdown()
            #expect(backend.observedPeerPorts.count == 30)
            #expect(Set(backend.observedPeerPorts).count == 1)
        }
    }
}

/// How many times each request's completion ran.
final class CompletionTally: Sendable {
    private let state = NIOLockedValueBox<[Int: Int]>([:])

    var counts: [Int: Int] { state.withLockedValue { $0 } }

    func record(_ index: Int) {
        state.withLockedValue { $0[index, default: 0] += 1 }
    }
}
