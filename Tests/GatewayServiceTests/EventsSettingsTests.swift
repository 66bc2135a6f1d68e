import GatewayService
import TestCertificates
import Testing

/// The lifecycle events keys: events-url, events-queue-size, events-timeout, events-connect-hook,
/// and upstream-ca-file as the events URL trusts it.
@Suite struct EventsSettingsTests {
    private func load(_ flags: [String: [String]], file: String? = nil) throws -> GatewaySettings {
        try SettingsLoader(commandLine: CommandLineSettings(configFile: file, values: flags), environment: [:]).load()
    }

    private func problems(_ flags: [String: [String]]) -> [String] {
        settingsProblems(flags)
    }

    @Test func eventsAreOffUntilAURLIsGiven() throws {
        let defaults = GatewaySettings.defaults
        #expect(defaults.events == nil)
        #expect(defaults.eventsQueueSize == 10_000)
        let events = try #require(try load(["events-url": ["http://127.0.0.1:9000/events"]]).events)
        #expect(events.url == "http://127.0.0.1:9000/events")
        #expect(events.timeout == .seconds(5))
        #expect(!events.connectHook)
    }

    @Test func everyKeyComesFromTheFileAsFromFlags() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file(
            "events.yaml",
            """
            events-url: https://backend.example/gtcp/events?source=gateway
            events-queue-size: 50
            events-timeout: 750ms
            events-connect-hook: true
            """)
        let settings = try load([:], file: path)
        let events = try #require(settings.events)
        #expect(events.url == "https://backend.example/gtcp/events?source=gateway")
        #expect(events.timeout == .milliseconds(750))
        #expect(events.connectHook)
        #expect(settings.eventsQueueSize == 50)
        #expect(try load(["events-connect-hook": ["false"]], file: path).events?.connectHook == false)

        let described = try directory.file("described.yaml", settings.yamlDescription)
        #expect(try load([:], file: described) == settings)
    }

    @Test func theUpstreamCAFileIsTheOneAnHTTPSEventsURLMustChainTo() throws {
        let certificates = try TestCertificates()
        let directory = try TemporaryDirectory()
        let settings = try load(["events-url": ["https://backend.example/events"], "upstream-ca-file": [certificates.caPath]])
        #expect(settings.upstream == nil)
        #expect(settings.events?.caFile == certificates.caPath)

        let described = try directory.file("described.yaml", settings.yamlDescription)
        #expect(try load([:], file: described) == settings)
    }

    @Test(arguments: [
        ("events-url", "ftp://x", #"events-url must be an http:// or https:// URL, got "ftp://x""#),
        ("events-url", "http://", #"events-url must be an http:// or https:// URL, got "http://""#),
        ("events-queue-size", "0", "events-queue-size must be 1..1000000, got 0"),
        ("events-timeout", "0", "events-timeout must be a duration above 0 like 500ms, 10s or 2m, got 0"),
        ("events-connect-hook", "yes", #"events-connect-hook must be true or false, got "yes""#),
    ])
    func badValuesAreNamed(key: String, value: String, message: String) {
        let flags = ["events-url": ["http://e/events"]].merging([key: [value]]) { $1 }
        #expect(problems(flags) == [message])
    }

    @Test func theConnectHookNeedsAReceiver() {
        #expect(problems(["events-connect-hook": ["true"]])
            == ["events-connect-hook needs events-url: without a receiver no client could be admitted"])
    }

    @Test func theURLTimeoutAndHookChangeLiveButTurningEventsOnOrOffNeedsARestart() throws {
        let base = try load(["events-url": ["http://a/events"]])
        let changed = try load([
            "events-url": ["http://b/events"], "events-timeout": ["1s"], "events-connect-hook": ["true"],
        ])
        #expect(restartRequired(from: base, to: changed) == [])
        #expect(restartRequired(from: base, to: try load([:])) == ["events-url"])
        #expect(restartRequired(from: try load([:]), to: base) == ["events-url"])
        #expect(restartRequired(from: base, to: try load(["events-url": ["http://a/events"], "events-queue-size": ["5"]]))
            == ["events-queue-size"])
    }
}
