import GatewayBench
import SettingsText
import Testing

@Suite("Loopback guard")
struct LoopbackGuardTests {
    @Test("loopback addresses pass", arguments: ["127.0.0.1", "127.3.4.5", "::1", "localhost"])
    func loopback(host: String) {
        #expect(LoopbackGuard.refusal(for: HostPort(host: host, port: 8999)) == nil)
    }

    @Test("anything else is refused with a message naming the address")
    func remote() throws {
        let refusal = try #require(LoopbackGuard.refusal(for: HostPort(host: "10.1.2.3", port: 8999)))
        #expect(refusal == "refusing to benchmark 10.1.2.3:8999: 10.1.2.3 is not a loopback address (pass --allow-remote to benchmark it anyway)")
        #expect(LoopbackGuard.refusal(for: HostPort(host: "example.com", port: 80))?.contains("example.com:80") == true)
        #expect(LoopbackGuard.refusal(for: HostPort(host: "::2", port: 80))?.contains("[::2]:80") == true)
    }
}
