import GatewayTestSupport
import GatewayCurl
import GatewayUpstream
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import Testing

/// Posts of ready bodies, on the same libcurl thread as forwarded acts.
@Suite struct CurlClientTests {
    private static func post(_ client: CurlClient, _ post: HTTPPost) async -> HTTPPostResult {
        await withCheckedContinuation { continuation in
            client.post(post) { continuation.resume(returning: $0) }
        }
    }

    @Test func theBodyArrivesAsGivenAndAnyStatusIsTheAnswer() async throws {
        let received = NIOLockedValueBox<[(contentType: String?, body: String)]>([])
        let router = Router()
        router.post("/events") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            received.withLockedValue { $0.append((request.headers[.contentType], String(buffer: body))) }
            return Response(status: .init(code: 418), body: ResponseBody(byteBuffer: ByteBuffer(string: "ignored")))
        }
        try await withTestServer(router) { port in
            let client = try CurlClient(logger: Logger(label: "test-client"))
            let body = #"{"event":"connected","note":"é \u0000 <&>"}"#
            let result = await Self.post(client, HTTPPost(url: "http://127.0.0.1:\(port)/events", body: body))
            #expect(result == .answered(status: 418))
            await client.shutdown()
            #expect(received.withLockedValue { $0.map(\.body) } == [body])
            #expect(received.withLockedValue { $0.map(\.contentType) } == ["application/json"])
        }
    }

    @Test func postsAndForwardedActsShareOneKeepAliveConnection() async throws {
        let backend = TestBackend()
        try await withTestServer(backend.makeRouter()) { port in
            let client = try CurlClient(logger: Logger(label: "test-client"))
            let upstream = try CurlUpstream(
                configuration: UpstreamConfiguration(urlTemplate: "http://127.0.0.1:\(port)/acts/{act}"), client: client)
            for _ in 0..<5 {
                #expect(await upstream.forward(makeRequest("peer")) == .reply(act: "peer", data: "ok"))
                #expect(await Self.post(client, HTTPPost(url: "http://127.0.0.1:\(port)/acts/peer", body: "{}"))
                    == .answered(status: 200))
            }
            await upstream.shutdown()
            #expect(backend.observedPeerPorts.count == 10)
            #expect(Set(backend.observedPeerPorts).count == 1)
        }
    }

    @Test func eachGtcpConnectionKeepsToOneThreadAndItsKeepAliveConnection() async throws {
        let backend = TestBackend()
        try await withTestServer(backend.makeRouter()) { port in
            let client = try CurlClient(threads: 2, logger: Logger(label: "test-client"))
            let upstream = try CurlUpstream(
                configuration: UpstreamConfiguration(urlTemplate: "http://127.0.0.1:\(port)/acts/{act}"), client: client)
            // One at a time, so one thread alone would reuse one keep-alive connection for all.
            for _ in 0..<4 {
                for connectionID: UInt64 in [7, 8] {
                    let request = UpstreamRequest(
                        act: "peer", data: "", connectionID: connectionID, remoteAddress: "10.1.2.3:50000",
                        requestID: "req-\(connectionID)")
                    #expect(await upstream.forward(request) == .reply(act: "peer", data: "ok"))
                }
            }
            await upstream.shutdown()
            let ports = backend.observedPeerPorts
            let first = Set(ports.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
            let second = Set(ports.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
            #expect(ports.count == 8)
            #expect(first.count == 1 && second.count == 1)
            #expect(first != second)
        }
    }

    @Test func postsGoOutWhileARetryOfTheSameClientWaitsOutItsBackoff() async throws {
        try await withRefusingPort { refusedPort in
            try await withTestServer(TestBackend().makeRouter()) { port in
                let logs = RecordedLogs()
                let client = try CurlClient(logger: logs.logger)
                let route = UpstreamRoute(
                    act: .exact("peer"), urlTemplate: "http://127.0.0.1:\(refusedPort)/acts/{act}", method: .put,
                    idempotent: true, retries: 3)
                let upstream = try CurlUpstream(
                    configuration: UpstreamConfiguration(urlTemplate: nil, routes: UpstreamRoutes([route])), client: client)
                let outcome = Task { await upstream.forward(makeRequest("peer")) }
                for await message in logs.messages where message.contains("retrying") { break }
                #expect(await Self.post(client, HTTPPost(url: "http://127.0.0.1:\(port)/acts/peer", body: "{}"))
                    == .answered(status: 200))
                #expect(await outcome.value == .failed(status: nil, error: "upstream refused the connection (4 attempts)"))
                await client.shutdown()
            }
        }
    }

    @Test func noAnswerIsAFailureThatSaysWhy() async throws {
        try await withRefusingPort { port in
            let client = try CurlClient(logger: Logger(label: "test-client"))
            let result = await Self.post(client, HTTPPost(url: "http://127.0.0.1:\(port)/events", body: "{}"))
            #expect(result == .failed("Couldn't connect to server"))
            await client.shutdown()
            #expect(await Self.post(client, HTTPPost(url: "http://127.0.0.1:\(port)/events", body: "{}"))
                == .failed("gateway is shutting down"))
        }
    }
}
