import GatewayService
import GatewayUpstream
import Testing

/// The `routes:` list of a config file: what it gives, and how its mistakes are reported.
@Suite struct RouteSettingsTests {
    private func load(_ text: String, name: String = "config.yaml") throws -> GatewaySettings {
        let directory = try TemporaryDirectory()
        return try SettingsLoader(
            commandLine: CommandLineSettings(configFile: try directory.file(name, text)), environment: [:]
        ).load()
    }

    private func problems(_ text: String) throws -> [String] {
        do {
            _ = try load(text)
            return []
        } catch let error as SettingsError {
            return error.problems
        }
    }

    static let yaml = """
        upstream-header: "X-Global: g"
        routes:
          - act: order.create
            upstream: http://orders:8080/create
          - act: "order.*"
            upstream: http://orders:8080/acts/{act}
            method: put
            timeout: 3s
            headers: ["X-Api-Key: k", "X-Team: orders"]
            idempotent: true
            retries: 4
          - act: user.get
            upstream: https://users/get
            method: GET
            headers: "X-One: 1"
            idempotent: true
            unix-socket: /tmp/users.sock
        """

    static let expected = UpstreamRoutes([
        UpstreamRoute(act: .exact("order.create"), urlTemplate: "http://orders:8080/create"),
        UpstreamRoute(
            act: .prefix("order."), urlTemplate: "http://orders:8080/acts/{act}", method: .put, timeout: .seconds(3),
            headers: [UpstreamHeader(name: "X-Api-Key", value: "k"), UpstreamHeader(name: "X-Team", value: "orders")],
            idempotent: true, retries: 4),
        UpstreamRoute(
            act: .exact("user.get"), urlTemplate: "https://users/get", method: .get,
            headers: [UpstreamHeader(name: "X-One", value: "1")], idempotent: true, retries: 2,
            unixSocketPath: "/tmp/users.sock"),
    ])

    @Test func routesWithoutAnUpstreamURLMakeAnUpstreamWithOnlyThem() throws {
        let settings = try load(Self.yaml)
        let upstream = try #require(settings.upstream)
        #expect(upstream.routes == Self.expected)
        #expect(upstream.urlTemplate == nil)
        #expect(upstream.headers == [UpstreamHeader(name: "X-Global", value: "g")])
    }

    @Test func jsonRoutesAreTheSame() throws {
        let json = """
            {"upstream-header": "X-Global: g", "routes": [
              {"act": "order.create", "upstream": "http://orders:8080/create"},
              {"act": "order.*", "upstream": "http://orders:8080/acts/{act}", "method": "PUT", "timeout": "3s",
               "headers": ["X-Api-Key: k", "X-Team: orders"], "idempotent": true, "retries": 4},
              {"act": "user.get", "upstream": "https://users/get", "method": "GET", "headers": "X-One: 1",
               "idempotent": true, "unix-socket": "/tmp/users.sock"}]}
            """
        #expect(try load(json, name: "config.json") == (try load(Self.yaml)))
    }

    @Test func theUpstreamURLStaysTheFallbackBesideRoutes() throws {
        let settings = try load("upstream: http://fallback/{act}\nroutes: []\n")
        #expect(settings.upstream?.urlTemplate == "http://fallback/{act}")
        #expect(settings.upstream?.routes.isEmpty == true)
        #expect(try load("routes: []\n").upstream == nil)
    }

    @Test(arguments: [
        ("- {act: a, upstream: http://b/a}\n- {act: a, upstream: http://b/a}\n- {act: a, upstream: http://b/a, method: FETCH}",
         #"routes[2].method must be one of GET, POST, PUT, PATCH, DELETE, got "FETCH""#),
        ("- {act: a, upstream: http://b/a, methd: GET}", #"routes[0] unknown key "methd" (did you mean "method"?)"#),
        ("- {upstream: http://b/a}", "routes[0].act is required"),
        ("- {act: a}", "routes[0].upstream is required"),
        ("- {act: a b, upstream: http://b/a}",
         #"routes[0].act must be an act name, or a prefix ending in * like order.*, got "a b""#),
        ("- {act: 'a*b', upstream: http://b/a}",
         #"routes[0].act must be an act name, or a prefix ending in * like order.*, got "a*b""#),
        ("- {act: a, upstream: ftp://b/a}",
         #"routes[0].upstream must be an http:// or https:// URL (it may contain {act}), got "ftp://b/a""#),
        ("- {act: a, upstream: http://b/a, timeout: 0}",
         "routes[0].timeout must be a duration above 0 like 500ms, 10s or 2m, got 0"),
        ("- {act: a, upstream: http://b/a, headers: [nocolon]}", #"routes[0].headers must be "Name: value", got "nocolon""#),
        ("- {act: a, upstream: http://b/a, idempotent: maybe}", #"routes[0].idempotent must be true or false, got "maybe""#),
        ("- {act: a, upstream: http://b/a, idempotent: true, retries: 11}", "routes[0].retries must be 0..10, got 11"),
        ("- {act: a, upstream: http://b/a, retries: 3}",
         "routes[0].retries needs idempotent: true (only idempotent routes are retried)"),
        ("- {act: [a], upstream: http://b/a}", "routes[0].act must be a single value"),
        ("- {act: a, upstream: http://b/a, unix-socket: /no/such/dir/a.sock}",
         "routes[0].unix-socket /no/such/dir/a.sock: its directory /no/such/dir does not exist"),
        ("- just a text", "routes[0] must be a mapping with act and upstream"),
    ])
    func eachMistakeNamesTheRouteAndTheField(routes: String, message: String) throws {
        let indented = routes.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        #expect(try problems("routes:\n" + indented + "\n") == [message])
    }

    @Test func routesThatAreNotAListAreOneProblem() throws {
        let found = try problems("routes:\n  act: a\n")
        #expect(found.count == 1)
        #expect(found.first?.hasSuffix("routes must be a list of routes, each with act and upstream") == true)
    }

    @Test func routesComeOnlyFromTheFile() {
        do {
            _ = try SettingsLoader(commandLine: CommandLineSettings(), environment: ["GTCP_GATEWAY_ROUTES": "x"]).load()
            Issue.record("expected a problem")
        } catch {
            #expect(error.problems.first?.hasPrefix("unknown environment variable GTCP_GATEWAY_ROUTES") == true)
        }
    }

    @Test func checkConfigShowsTheRoutesAndTheyLoadBack() throws {
        let settings = try load(Self.yaml)
        let description = settings.yamlDescription
        #expect(description.hasSuffix("""
            routes:
              - {act: order.create, upstream: "http://orders:8080/create", method: POST}
              - {act: "order.*", upstream: "http://orders:8080/acts/{act}", method: PUT, timeout: 3s, \
            headers: ["X-Api-Key: k", "X-Team: orders"], idempotent: true, retries: 4}
              - {act: user.get, upstream: "https://users/get", method: GET, headers: ["X-One: 1"], idempotent: true, \
            retries: 2, unix-socket: "/tmp/users.sock"}
            """))
        #expect(try load(description) == settings)
        #expect(GatewaySettings.defaults.yamlDescription.hasSuffix("\nroutes: []"))
    }
}
