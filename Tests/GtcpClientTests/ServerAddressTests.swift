import GtcpClient
import Testing

@Suite struct ServerAddressTests {
    @Test(arguments: [
        ("127.0.0.1:8999", "127.0.0.1", 8999, "127.0.0.1:8999"),
        ("localhost:1", "localhost", 1, "localhost:1"),
        ("[::1]:65535", "::1", 65535, "[::1]:65535"),
    ])
    func parsesHostAndPort(text: String, host: String, port: Int, description: String) throws {
        let address = try #require(ServerAddress(parsing: text))
        #expect(address == ServerAddress(host: host, port: port))
        #expect(address.description == description)
    }

    @Test(arguments: ["", "8999", "127.0.0.1", ":8999", "host:0", "host:65536", "host:-1", "host:x", "::1:8999", "[]:1"])
    func rejectsAnythingElse(text: String) {
        #expect(ServerAddress(parsing: text) == nil)
    }
}
