import Testing

@testable import GatewayUpstream

/// Which route an act takes and what the request then looks like, without any I/O.
@Suite struct UpstreamRoutesTests {
    private func route(_ pattern: String, _ url: String = "http://backend/x", method: UpstreamMethod = .post) -> UpstreamRoute {
        UpstreamRoute(act: ActPattern(pattern), urlTemplate: url, method: method)
    }

    @Test(arguments: [
        ("order.create", "exact"),
        ("order.cancel", "prefix"),
        ("order.", "prefix"),
        ("order", "catch-all"),
        ("orders.list", "catch-all"),
        ("ping", "catch-all"),
    ])
    func firstMatchingRouteWins(act: String, expected: String) {
        let routes = UpstreamRoutes([
            route("order.create", "http://backend/exact"),
            route("order.*", "http://backend/prefix"),
            route("order.create", "http://backend/never"),
            route("*", "http://backend/catch-all"),
        ])
        #expect(routes.match(act)?.urlTemplate == "http://backend/\(expected)")
    }

    @Test func anEarlierPrefixShadowsALaterExactRoute() {
        let routes = UpstreamRoutes([route("order.*", "http://backend/prefix"), route("order.create", "http://backend/exact")])
        #expect(routes.match("order.create")?.urlTemplate == "http://backend/prefix")
    }

    @Test func noMatchWithoutACatchAll() {
        #expect(UpstreamRoutes([route("order.*")]).match("user.get") == nil)
        #expect(UpstreamRoutes().match("user.get") == nil)
    }

    @Test func patternsReadBackAsWritten() {
        #expect(ActPattern("order.*") == .prefix("order."))
        #expect(ActPattern("order.create") == .exact("order.create"))
        #expect(ActPattern("*").description == "*")
    }

    @Test func routedActsUseTheRouteUnroutedTheUpstreamAndOthersNothing() {
        var configuration = UpstreamConfiguration(urlTemplate: nil, routes: UpstreamRoutes([route("order.*", "http://o/{act}")]))
        #expect(configuration.target(for: request("order.create"))?.url == "http://o/order.create")
        #expect(configuration.target(for: request("ping")) == nil)
        #expect(!configuration.hasTarget(for: "ping"))
        configuration.urlTemplate = "http://fallback/{act}"
        #expect(configuration.target(for: request("ping"))?.url == "http://fallback/ping")
        #expect(configuration.target(for: request("ping"))?.method == .post)
    }

    @Test func routeTimeoutAndHeadersApplyOverTheUpstreamOnes() throws {
        var routed = route("a")
        routed.timeout = .milliseconds(250)
        routed.headers = [UpstreamHeader(name: "x-key", value: "route"), UpstreamHeader(name: "X-Extra", value: "1")]
        let configuration = UpstreamConfiguration(
            urlTemplate: "http://fallback/{act}", routes: UpstreamRoutes([routed]),
            headers: [UpstreamHeader(name: "X-Key", value: "global"), UpstreamHeader(name: "X-Other", value: "2")],
            timeout: .seconds(10))
        let target = try #require(configuration.target(for: request("a")))
        #expect(target.configuration.timeout == .milliseconds(250))
        #expect(target.configuration.headers.map(\.name) == ["X-Other", "x-key", "X-Extra"])
        #expect(target.configuration.headers[1].value == "route")
        #expect(configuration.target(for: request("b"))?.configuration.timeout == .seconds(10))
    }

    @Test func onlyIdempotentRoutesMayBeRetried() throws {
        var idempotent = route("get.*", method: .get)
        idempotent.idempotent = true
        idempotent.retries = 3
        var notIdempotent = route("post.*")
        notIdempotent.retries = 3
        let configuration = UpstreamConfiguration(
            urlTemplate: "http://fallback/{act}", routes: UpstreamRoutes([idempotent, notIdempotent]))
        #expect(configuration.target(for: request("get.x"))?.retries == 3)
        #expect(configuration.target(for: request("post.x"))?.retries == 0)
        #expect(configuration.target(for: request("other"))?.retries == 0)
    }

    @Test(arguments: [
        (UpstreamMethod.get, "http://b/q", "a b&c=ü", "http://b/q?data=a%20b%26c%3D%C3%BC"),
        (.delete, "http://b/q?v=1", "{\"id\":7}", "http://b/q?v=1&data=%7B%22id%22%3A7%7D"),
        (.get, "http://b/q", "", "http://b/q"),
        (.put, "http://b/q", "body", "http://b/q"),
    ])
    func methodsWithoutABodyCarryDataInTheQuery(method: UpstreamMethod, url: String, data: String, expected: String) {
        let configuration = UpstreamConfiguration(urlTemplate: nil, routes: UpstreamRoutes([route("a", url, method: method)]))
        #expect(configuration.target(for: request("a", data))?.url == expected)
    }

    @Test(arguments: [
        ("http://b/{act}", "http://b/a.b"),
        ("http://b/{act}/x?copy={act}", "http://b/a.b/x?copy=a.b"),
        ("http://b/{{act}}/{x}/{ac/{act", "http://b/{a.b}/{x}/{ac/{act"),
        ("http://b/fixed", "http://b/fixed"),
    ])
    func everyActPlaceholderIsReplacedAndOtherBracesStay(template: String, expected: String) {
        let configuration = UpstreamConfiguration(urlTemplate: nil, routes: UpstreamRoutes([route("a.*", template)]))
        #expect(configuration.target(for: request("a.b"))?.url == expected)
    }

    private func request(_ act: String, _ data: String = "") -> UpstreamRequest {
        UpstreamRequest(
            act: act, data: data, connectionID: 42, remoteAddress: "10.1.2.3:50000", clientName: "sensor-7",
            requestID: "req-1")
    }
}
