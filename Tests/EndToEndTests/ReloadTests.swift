import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// SIGHUP on `serve`: the config file is read again while clients stay connected.
@Suite(.timeLimit(.minutes(1)))
struct ReloadTests {
    /// A gateway started from `config.yaml` in a fresh directory, and one connected client.
    struct Started {
        let directory: TemporaryDirectory
        let server: GatewayProcess
        let client: TestConnection

        init(greeting: String) async throws {
            directory = try TemporaryDirectory()
            let config = try directory.write("config.yaml", Self.config(greeting: greeting))
            server = try GatewayProcess(["serve", "--config", config])
            client = try await TestConnection(port: try await server.port(announcedBy: "gtcp listener on"))
        }

        static func config(greeting: String, extra: String = "") -> String {
            "listen: 127.0.0.1:0\nadmin-listen: \"off\"\ngreeting: \"\(greeting)\"\n" + extra
        }

        /// Writes the config file anew and tells the gateway to read it.
        func reload(greeting: String, extra: String = "") throws {
            try directory.write("config.yaml", Self.config(greeting: greeting, extra: extra))
            server.signal(SIGHUP)
        }

        func stop() async -> Int32 {
            await client.close()
            server.signal(SIGTERM)
            return await server.exitStatus()
        }
    }

    @Test func sighupChangesTheGreetingOnTheSameConnection() async throws {
        let started = try await Started(greeting: "before")
        #expect(try await started.client.hello() == "before")

        try started.reload(greeting: "after")
        #expect(await started.server.line(containing: "configuration reloaded") != nil)
        #expect(try await started.client.hello() == "after")
        #expect(!started.server.output.contains { $0.contains("closed [") }, "the connection was never closed")
        #expect(await started.stop() == 0)
    }

    @Test func aBadConfigurationOnSighupIsRejectedAndTheRunningOneStays() async throws {
        let started = try await Started(greeting: "running")
        #expect(try await started.client.hello() == "running")

        try started.reload(greeting: "never applied", extra: "header-size: 9\nidle-timeout: soon\n")
        let rejected = try #require(await started.server.line(containing: "reload rejected, keeping the running configuration"))
        #expect(rejected.contains("header-size must be 1..4, got 9"))
        // Each problem is a line of its own, which may still be on its way.
        #expect(await started.server.line(containing: "idle-timeout must be") != nil)
        #expect(try await started.client.hello() == "running")

        // Fixed, the file applies on the next SIGHUP.
        try started.reload(greeting: "fixed")
        #expect(await started.server.line(containing: "configuration reloaded") != nil)
        #expect(try await started.client.hello() == "fixed")
        #expect(await started.stop() == 0)
    }

    @Test func aRestartOnlyKeyChangedOnSighupIsLoggedAsNeedingARestart() async throws {
        let started = try await Started(greeting: "before")
        #expect(try await started.client.hello() == "before")

        try started.reload(greeting: "after", extra: "max-connections: 5\nshutdown-grace: 1s\n")
        let warning = try #require(
            await started.server.line(containing: "configuration reloaded; these changes take effect after a restart:"))
        #expect(warning.hasSuffix(": max-connections, shutdown-grace"))
        // The live keys of the same file apply at once.
        #expect(try await started.client.hello() == "after")
        #expect(await started.stop() == 0)
    }

    /// A doexit from the admin API that names no grace gets the `doexit-grace` of the moment:
    /// started with an hour, reloaded to 200 ms, a client that ignores the doexit is closed.
    @Test func anAdminDoexitUsesTheReloadedGrace() async throws {
        let directory = try TemporaryDirectory()
        let base = "listen: 127.0.0.1:0\nadmin-listen: 127.0.0.1:0\n"
        let config = try directory.write("config.yaml", base + "doexit-grace: 1h\n")
        let server = try GatewayProcess(["serve", "--config", config])
        let client = try await TestConnection(port: try await server.port(announcedBy: "gtcp listener on"))
        let adminPort = try await server.port(announcedBy: "admin API on")
        #expect(try await client.hello() != nil)

        try directory.write("config.yaml", base + "doexit-grace: 200ms\n")
        server.signal(SIGHUP)
        #expect(await server.line(containing: "configuration reloaded") != nil)

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(adminPort)/connections/doexit")!)
        request.httpMethod = "POST"
        let (body, _) = try await URLSession.shared.data(for: request)
        #expect(String(decoding: body, as: UTF8.self).contains(#""told":1"#))
        #expect(try await client.next()?.act == "doexit")
        // The client stays; the gateway closes it once the reloaded grace is over, not in an hour.
        #expect(try await client.next() == nil)
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
    }
}
