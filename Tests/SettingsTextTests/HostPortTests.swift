import SettingsText
import Testing

@Suite struct HostPortTests {
    @Test(arguments: [
        ("127.0.0.1:8999", "127.0.0.1", 8999, "127.0.0.1:8999"),
        ("localhost:1", "localhost", 1, "localhost:1"),
        ("[::1]:65535", "::1", 65535, "[::1]:65535"),
        ("127.0.0.1:0", "127.0.0.1", 0, "127.0.0.1:0"),
    ])
    func parsesHostAndPort(text: String, host: String, port: Int, description: String) throws {
        let address = try #require(HostPort(parsing: text))
        #expect(address == HostPort(host: host, port: port))
        #expect(address.description == description)
    }

    @Test(arguments: [
        "", "8999", "127.0.0.1", ":8999", "host:65536", "host:-1", "host:+5", "host:x", "::1:8999", "[]:1",
        "[localhost]:1", "a host:1", "a/b:1",
    ])
    func rejectsAnythingElse(text: String) {
        #expect(HostPort(parsing: text) == nil)
    }

    @Test(arguments: [
        ("localhost", true), ("127.1.2.3", true), ("::1", true), ("::ffff:127.0.0.1", true), ("10.0.0.1", false),
        ("::2", false), ("::ffff:10.0.0.1", false), ("::127.0.0.1", false), ("db.example", false),
    ])
    func knowsLoopbackHosts(host: String, isLoopback: Bool) {
        #expect(HostPort(host: host, port: 1).isLoopback == isLoopback)
    }
}
