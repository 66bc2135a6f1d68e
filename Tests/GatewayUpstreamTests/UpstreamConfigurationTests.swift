import GatewayUpstream
import Testing

@Suite struct UpstreamConfigurationTests {
    @Test(arguments: [
        "http://127.0.0.1:8080/acts/{act}",
        "https://backend.example/gtcp/{act}?v=1",
        "HTTP://host/{act}",
        "http://{act}.backend.internal/",
    ])
    func acceptsHTTPTemplatesWithTheActPlaceholder(template: String) {
        #expect(UpstreamConfiguration.validateTemplate(template) == nil)
    }

    @Test(arguments: [
        ("ftp://host/{act}", "upstream URL must start with http:// or https://, got \"ftp://host/{act}\""),
        ("127.0.0.1:8080/{act}", "upstream URL must start with http:// or https://, got \"127.0.0.1:8080/{act}\""),
        ("http://host/acts", "upstream URL must contain {act}, got \"http://host/acts\""),
        ("http:///acts/{act}", "upstream URL has no host, got \"http:///acts/{act}\""),
        (
            "http://host/a b/{act}",
            "upstream URL must not contain spaces or control characters, got \"http://host/a b/{act}\""
        ),
    ])
    func rejectsOtherTemplatesWithAReason(template: String, reason: String) {
        #expect(UpstreamConfiguration.validateTemplate(template) == reason)
    }

    @Test func defaultsMatchTheSettingsDefaults() {
        let configuration = UpstreamConfiguration(urlTemplate: "http://127.0.0.1:8080/acts/{act}")
        #expect(configuration.timeout == .seconds(10))
        #expect(configuration.connectTimeout == .seconds(2))
        #expect(configuration.headers.isEmpty)
    }
}
