import Foundation
import GatewayTestSupport
import GatewayCurl
import GatewayUpstream
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// Routes against a real HTTP backend: method, headers, timeout, and which failures are retried.
@Suite struct RoutedUpstreamTests {
    /// What the backend saw of one request, sent back as the reply.
    struct Seen: Codable, Equatable {
        var method: String
        var path: String
        var query: String?
        var body: String
        var headers: [String: String]
    }

    /// Answers every method on `/r/...` with what it saw; `/r/slow` waits for the gate, and
    /// `/r/unavailable` answers 503. Counts the requests that arrive.
    final class RouteBackend: Sendable {
        let gate = Gate()
        private let count = NIOLockedValueBox(0)

        var requests: Int { count.withLockedValue { $0 } }

        func makeRouter() -> Router<BasicRequestContext> {
            let router = Router()
            for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
                router.on("/r/**", method: method) { request, context -> Response in
                    self.count.withLockedValue { $0 += 1 }
                    let body = try await request.body.collect(upTo: context.maxUploadSize)
                    if request.uri.path == "/r/slow" { await self.gate.pass() }
                    if request.uri.path == "/r/unavailable" { return Response(status: .serviceUnavailable) }
                    var headers: [String: String] = [:]
                    for field in request.headers { headers[field.name.canonicalName] = field.value }
                    let seen = Seen(
                        method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                        body: String(buffer: body), headers: headers)
                    return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(seen))))
                }
            }
            return router
        }
    }

    private func withRoutes(
        _ routes: (_ base: String) -> [UpstreamRoute],
        fallback: Bool = true,
        headers: [UpstreamHeader] = [],
        logger: Logger = Logger(label: "test-upstream"),
        _ body: (CurlUpstream, RouteBackend) async throws -> Void
    ) async throws {
        let backend = RouteBackend()
        try await withTestServer(backend.makeRouter()) { port in
            let base = "http://127.0.0.1:\(port)/r"
            let upstream = try CurlUpstream(
                configuration: UpstreamConfiguration(
                    urlTemplate: fallback ? "\(base)/fallback/{act}" : nil, routes: UpstreamRoutes(routes(base)),
                    headers: headers),
                logger: logger)
            try await upstream.use(releasing: backend.gate) { try await body(upstream, backend) }
        }
    }

    private func seen(_ outcome: UpstreamOutcome) throws -> Seen {
        guard case .reply(_, let data) = outcome else { throw UnexpectedOutcome(outcome: outcome) }
        return try JSONDecoder().decode(Seen.self, from: Data(data.utf8))
    }

    struct UnexpectedOutcome: Error { var outcome: UpstreamOutcome }

    @Test func theFirstMatchingRouteTakesTheActAndTheRestGoToTheUpstream() async throws {
        try await withRoutes({ base in
            [
                UpstreamRoute(act: .exact("order.create"), urlTemplate: "\(base)/create"),
                UpstreamRoute(act: .prefix("order."), urlTemplate: "\(base)/orders/{act}"),
            ]
        }) { upstream, _ in
            for (act, path) in [
                ("order.create", "/r/create"), ("order.cancel", "/r/orders/order.cancel"), ("ping", "/r/fallback/ping"),
            ] {
                let seen = try seen(await upstream.forward(makeRequest(act)))
                #expect(seen.path == path)
            }
        }
    }

    @Test func withoutAnUpstreamURLOnlyRoutedActsGoAnywhere() async throws {
        try await withRoutes({ base in [UpstreamRoute(act: .prefix("order."), urlTemplate: "\(base)/o")] }, fallback: false) {
            upstream, _ in
            #expect(upstream.handles(act: "order.create"))
            #expect(!upstream.handles(act: "ping"))
            #expect(await upstream.forward(makeRequest("ping")) == .failed(status: nil, error: "no upstream configured for act ping"))
        }
    }

    @Test(arguments: [
        (UpstreamMethod.get, "{\"id\":7}", String?("data=%7B%22id%22%3A7%7D"), ""),
        (.delete, "7", "data=7", ""),
        (.put, "{\"id\":7}", nil, "{\"id\":7}"),
        (.patch, "x", nil, "x"),
        (.post, "x", nil, "x"),
    ])
    func routeMethodIsUsedWithDataInTheQueryOrTheBody(
        method: UpstreamMethod, data: String, query: String?, body: String
    ) async throws {
        try await withRoutes({ base in [UpstreamRoute(act: .exact("a"), urlTemplate: "\(base)/a", method: method)] }) {
            upstream, _ in
            let seen = try seen(await upstream.forward(makeRequest("a", data)))
            #expect(seen.method == method.rawValue)
            #expect(seen.query == query)
            #expect(seen.body == body)
            #expect((seen.headers["content-type"] != nil) == method.sendsBodyForTests)
        }
    }

    /// Sequential requests run on one reused easy handle, so each must set its own method, body
    /// and headers, whatever the one before used.
    @Test func methodsInTurnOnOneUpstreamEachSendOnlyTheirOwnRequest() async throws {
        try await withRoutes({ base in
            UpstreamMethod.allCases.map { UpstreamRoute(act: .exact($0.rawValue), urlTemplate: "\(base)/m", method: $0) }
        }) { upstream, _ in
            for method in UpstreamMethod.allCases + UpstreamMethod.allCases.reversed() {
                let seen = try seen(await upstream.forward(makeRequest(method.rawValue, "d")))
                #expect(seen.method == method.rawValue)
                #expect(seen.query == (method.sendsBodyForTests ? nil : "data=d"))
                #expect(seen.body == (method.sendsBodyForTests ? "d" : ""))
                #expect((seen.headers["content-type"] != nil) == method.sendsBodyForTests)
                #expect(seen.headers["x-gtcp-act"] == method.rawValue)
            }
        }
    }

    @Test func routeHeadersComeAfterTheUpstreamOnesAndReplaceTheSameNames() async throws {
        try await withRoutes(
            { base in
                [
                    UpstreamRoute(
                        act: .exact("a"), urlTemplate: "\(base)/a",
                        headers: [UpstreamHeader(name: "X-Api-Key", value: "route"), UpstreamHeader(name: "X-Route", value: "a")])
                ]
            },
            headers: [UpstreamHeader(name: "X-Api-Key", value: "global"), UpstreamHeader(name: "X-Global", value: "g")]
        ) { upstream, _ in
            let routed = try seen(await upstream.forward(makeRequest("a")))
            #expect(routed.headers["x-api-key"] == "route")
            #expect(routed.headers["x-route"] == "a")
            #expect(routed.headers["x-global"] == "g")
            let unrouted = try seen(await upstream.forward(makeRequest("b")))
            #expect(unrouted.headers["x-api-key"] == "global")
            #expect(unrouted.headers["x-route"] == nil)
        }
    }

    @Test func routeTimeoutAppliesToItsActsOnly() async throws {
        try await withRoutes({ base in
            [
                UpstreamRoute(act: .exact("hasty"), urlTemplate: "\(base)/slow", timeout: .seconds(1)),
                UpstreamRoute(act: .exact("patient"), urlTemplate: "\(base)/slow"),
            ]
        }) { upstream, backend in
            // The upstream's own timeout (10s) holds for the route without one: held at the gate
            // while the hasty one times out, it still gets its answer.
            async let patient = upstream.forward(makeRequest("patient"))
            #expect(
                await upstream.forward(makeRequest("hasty")) == .failed(status: nil, error: "upstream timed out after 1s"))
            backend.gate.open()
            let seen = try seen(await patient)
            #expect(seen.path == "/r/slow")
        }
    }

    // MARK: Retries

    /// A port that was bound and closed: connections to it are refused until a test binds it.
    private func freedPort() async throws -> Int {
        try await withTestServer(RouteBackend().makeRouter()) { $0 }
    }

    private func upstream(port: Int, idempotent: Bool, retries: Int = 2, logs: RecordedLogs) throws -> CurlUpstream {
        try CurlUpstream(
            configuration: UpstreamConfiguration(
                urlTemplate: nil,
                routes: UpstreamRoutes([
                    UpstreamRoute(
                        act: .prefix(""), urlTemplate: "http://127.0.0.1:\(port)/r/{act}", method: idempotent ? .put : .post,
                        idempotent: idempotent, retries: retries)
                ])),
            logger: logs.logger)
    }

    private func retryCount(_ logs: RecordedLogs) -> Int {
        logs.all.filter { $0.contains("retrying") }.count
    }

    @Test func anIdempotentRouteIsRetriedWhileTheBackendRefuses() async throws {
        try await withRefusingPort { port in
            let logs = RecordedLogs()
            let upstream = try upstream(port: port, idempotent: true, logs: logs)
            #expect(
                await upstream.forward(makeRequest("a"))
                    == .failed(status: nil, error: "upstream refused the connection (3 attempts)"))
            #expect(retryCount(logs) == 2)
            await upstream.shutdown()
        }
    }

    @Test func aRouteThatIsNotIdempotentGetsExactlyOneAttempt() async throws {
        try await withRefusingPort { port in
            let logs = RecordedLogs()
            let upstream = try upstream(port: port, idempotent: false, retries: 5, logs: logs)
            #expect(await upstream.forward(makeRequest("a")) == .failed(status: nil, error: "upstream refused the connection"))
            #expect(retryCount(logs) == 0)
            await upstream.shutdown()
        }
    }

    @Test func aRetriedRequestReachesTheBackendOnceItComesUp() async throws {
        let port = try await freedPort()
        let logs = RecordedLogs()
        // Enough retries for the backend to start within the backoff, however loaded the machine.
        let upstream = try upstream(port: port, idempotent: true, retries: 8, logs: logs)
        let outcome = Task { await upstream.forward(makeRequest("a")) }
        for await message in logs.messages where message.contains("retrying") { break }
        let backend = RouteBackend()
        let reply = try await withTestServer(backend.makeRouter(), port: port) { _ in await outcome.value }
        let seen = try seen(reply)
        #expect(seen.path == "/r/a")
        #expect(backend.requests == 1)
        #expect(retryCount(logs) >= 1)
        await upstream.shutdown()
    }

    // The timeout is long enough for a loaded machine, or one under ThreadSanitizer, to deliver
    // the request to the backend before it expires.
    @Test func failuresAfterTheRequestWasSentAreNotRetried() async throws {
        let logs = RecordedLogs()
        try await withRoutes({ base in
            [
                UpstreamRoute(act: .exact("unavailable"), urlTemplate: "\(base)/unavailable", idempotent: true),
                UpstreamRoute(
                    act: .exact("slow"), urlTemplate: "\(base)/slow", timeout: .seconds(3), idempotent: true),
            ]
        }, logger: logs.logger) { upstream, backend in
            #expect(
                await upstream.forward(makeRequest("unavailable"))
                    == .failed(status: 503, error: "upstream answered HTTP 503"))
            #expect(
                await upstream.forward(makeRequest("slow")) == .failed(status: nil, error: "upstream timed out after 3s"))
            #expect(backend.requests == 2)
            #expect(retryCount(logs) == 0)
        }
    }
}

extension UpstreamMethod {
    fileprivate var sendsBodyForTests: Bool { self == .post || self == .put || self == .patch }
}
