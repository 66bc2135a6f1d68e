import Foundation
import Testing

/// `serve` under a stand-in for systemd's notify socket (Type=notify, WatchdogSec=).
@Suite(.timeLimit(.minutes(1)))
struct SystemdNotifyTests {
    @Test func readyAfterBothListenersThenStatusWatchdogReloadingAndStopping() async throws {
        let directory = try TemporaryDirectory()
        let socket = try NotifySocket(in: directory.url)
        // 400ms: the gateway pings every 200ms, half of it as sd_watchdog_enabled(3) advises.
        let server = try GatewayProcess(
            ["serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"],
            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000"]
        )

        let ready = try #require(await socket.notification(setting: "READY"))
        #expect(ready["STATUS"] == "serving 0 connections")
        // The "ready" line is logged just before READY=1 is sent, and each listener logs its line
        // once bound: both lines come first.
        let readyLine = try #require(await server.lines.index { $0.hasSuffix(" ready") })
        let listenerLine = try #require(await server.lines.index { $0.contains("gtcp listener on") })
        let adminLine = try #require(await server.lines.index { $0.contains("admin API on") })
        #expect(listenerLine < readyLine && adminLine < readyLine)

        let port = try await server.port(announcedBy: "gtcp listener on")
        let client = try await TestConnection(port: port)
        _ = try await client.hello()
        #expect(await socket.notification(setting: "STATUS", to: "serving 1 connections") != nil)
        #expect(await socket.notification(setting: "WATCHDOG", to: "1", occurrence: 3) != nil)

        let beforeReload = Self.monotonicMicroseconds()
        server.signal(SIGHUP)
        let reloading = try #require(await socket.notification(setting: "RELOADING", to: "1"))
        let afterReload = Self.monotonicMicroseconds()
        let stamp = try #require(reloading["MONOTONIC_USEC"].flatMap(UInt64.init))
        #expect((beforeReload...afterReload).contains(stamp), "MONOTONIC_USEC is CLOCK_MONOTONIC at the reload")
        let reloadingIndex = try #require(await socket.index(setting: "RELOADING"))
        let readyAgainIndex = try #require(await socket.index(setting: "READY", occurrence: 2))
        #expect(reloadingIndex < readyAgainIndex)

        server.signal(SIGTERM)
        #expect(await socket.notification(setting: "STOPPING", to: "1") != nil)
        #expect(try await client.next()?.act == "doexit")
        await client.close()
        #expect(await server.exitStatus() == 0)
        socket.close()
    }

    @Test func noWatchdogPingsWithoutWatchdogUsec() async throws {
        let directory = try TemporaryDirectory()
        let socket = try NotifySocket(in: directory.url)
        let server = try GatewayProcess(
            ["serve", "--listen", "127.0.0.1:0", "--admin-listen", "off"], environment: ["NOTIFY_SOCKET": socket.path])
        #expect(await socket.notification(setting: "READY") != nil)
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
        #expect(await socket.notification(setting: "STOPPING") != nil)
        #expect(!socket.notifications.items.contains { $0["WATCHDOG"] != nil })
        socket.close()
    }

    private static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }
}
