import GatewayCurl
import GatewayUpstream
import Logging
import MetricsTestKit
import Testing

/// `upstream-max-connections`: requests beyond it wait in the gateway for a connection instead of
/// opening more, within their own timeout.
@Suite struct ConnectionCapTests {
    @Test func manyConcurrentActsNeverOpenMoreConnectionsThanTheCap() async throws {
        let backend = TestBackend()
        try await withTestServer(backend.makeRouter()) { port in
            // Two threads, so each holds 16 of the 32.
            let client = try CurlClient(threads: 2, maxConnections: 32, logger: Logger(label: "test-client"))
            let upstream = try CurlUpstream(configuration: .test(port: port), client: client)
            let (outcomes, continuation) = AsyncStream.makeStream(of: UpstreamOutcome.self)
            for index in 0..<400 {
                upstream.forward(makeRequest("gated-peer", connectionID: UInt64(index))) { continuation.yield($0) }
            }
            // Each request at the gate holds its connection: 32 arrive only if both threads fill their share.
            await backend.gate.waitForArrivals(32)
            backend.gate.open()
            var received = 0
            for await outcome in outcomes {
                #expect(outcome == .reply(act: "gated-peer", data: "ok"))
                received += 1
                if received == 400 { break }
            }
            await upstream.shutdown()
            #expect(backend.observedPeerPorts.count == 400)
            #expect(Set(backend.observedPeerPorts).count == 32)
        }
    }

    /// The backend's accept queue takes 5 connections (Linux: backlog + 1); a burst of 200
    /// connects at once would overflow it, and a dropped SYN is only retried after 1 s.
    @Test func aBurstAtABackendWithATinyBacklogAllSucceeds() async throws {
        let backend = TestBackend()
        try await withTestServer(backend.makeRouter(), backlog: 4) { port in
            let client = try CurlClient(maxConnections: 4, logger: Logger(label: "test-client"))
            let configuration = UpstreamConfiguration.test(port: port) { $0.connectTimeout = .milliseconds(900) }
            let upstream = try CurlUpstream(configuration: configuration, client: client)
            await withTaskGroup { group in
                for index in 0..<200 {
                    group.addTask {
                        #expect(await upstream.forward(makeRequest("echo", "\(index)")) == .reply(act: "echo", data: "\(index)"))
                    }
                }
            }
            await upstream.shutdown()
        }
    }

    /// Two upstreams on one client to one host: the quick one's request waits behind the held
    /// one's connection, and its own timeout ends the wait while that connection is still held.
    @Test(.timeLimit(.minutes(1)))
    func aRequestWaitingForAConnectionTimesOutWithinItsOwnTimeout() async throws {
        let backend = TestBackend()
        try await withTestServer(backend.makeRouter()) { port in
            let client = try CurlClient(maxConnections: 1, logger: Logger(label: "test-client"))
            let holding = try CurlUpstream(configuration: .test(port: port) { $0.timeout = .seconds(60) }, client: client)
            let quick = try CurlUpstream(
                configuration: .test(port: port) { $0.timeout = .milliseconds(300) }, client: client)
            try await holding.use(releasing: backend.gate) {
                async let held = holding.forward(makeRequest("gated"))
                await backend.gate.waitForArrivals(1)
                #expect(
                    await quick.forward(makeRequest("echo", "waits"))
                        == .failed(status: nil, error: "upstream timed out after 300ms waiting for a connection"))
                backend.gate.open()
                #expect(await held == .reply(act: "gated", data: "released"))
                #expect(await holding.forward(makeRequest("echo", "after")) == .reply(act: "echo", data: "after"))
            }
        }
    }

    /// A second backend's reply comes after the pass that counted the waiting requests, so the
    /// gauge has been set by the time it arrives.
    @Test func requestsWaitingForAConnectionShowInTheGauge() async throws {
        let backend = TestBackend()
        let metrics = TestMetrics()
        try await withTestServer(backend.makeRouter()) { port in
            try await withTestServer(TestBackend().makeRouter()) { otherPort in
                let client = try CurlClient(maxConnections: 1, metrics: metrics, logger: Logger(label: "test-client"))
                let upstream = try CurlUpstream(configuration: .test(port: port), client: client)
                let other = try CurlUpstream(configuration: .test(port: otherPort), client: client)
                let gauge = try metrics.expectMeter(CurlClient.waitingForConnectionLabel)
                try await upstream.use(releasing: backend.gate) {
                    let (outcomes, continuation) = AsyncStream.makeStream(of: UpstreamOutcome.self)
                    upstream.forward(makeRequest("gated")) { continuation.yield($0) }
                    await backend.gate.waitForArrivals(1)
                    for index in 0..<3 {
                        upstream.forward(makeRequest("echo", "\(index)")) { continuation.yield($0) }
                    }
                    #expect(await other.forward(makeRequest("echo", "other")) == .reply(act: "echo", data: "other"))
                    #expect(gauge.lastValue == 3)

                    backend.gate.open()
                    var received: [UpstreamOutcome] = []
                    for await outcome in outcomes {
                        received.append(outcome)
                        if received.count == 4 { break }
                    }
                    #expect(received.count == 4)
                    #expect(gauge.lastValue == 0)
                }
            }
        }
    }
}
