import Foundation
import GatewayService
import Testing

/// A datagram socket standing in for systemd's notification socket.
private final class NotifySocket {
    let descriptor: CInt
    let name: String

    /// Bound at `path`, or in the abstract namespace when `path` starts with `@`.
    init(_ name: String) throws {
        self.name = name
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        let isAbstract = bytes.first == UInt8(ascii: "@")
        if isAbstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (isAbstract ? 0 : 1))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        try #require(bound == 0, "bind \(name): \(String(cString: strerror(errno)))")
        // A safety net only: every test sends before it receives.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(descriptor)
    }

    func receive() -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return String(decoding: buffer[..<max(count, 0)], as: UTF8.self)
    }
}

@Suite struct SystemdNotifierTests {
    @Test func messagesArriveAsDatagramsAtAPathSocket() throws {
        let directory = try TemporaryDirectory()
        let socket = try NotifySocket(directory.path + "/notify")
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name])
        #expect(notifier.isEnabled)

        try notifier.ready(status: "serving 0 connections")
        #expect(socket.receive() == "READY=1\nSTATUS=serving 0 connections\n")
        try notifier.status("draining")
        #expect(socket.receive() == "STATUS=draining\n")
        try notifier.stopping()
        #expect(socket.receive() == "STOPPING=1\n")
        try notifier.watchdog()
        #expect(socket.receive() == "WATCHDOG=1\n")
    }

    @Test func reloadingCarriesTheMonotonicClockInMicroseconds() throws {
        let directory = try TemporaryDirectory()
        let socket = try NotifySocket(directory.path + "/notify")
        var before = timespec()
        clock_gettime(CLOCK_MONOTONIC, &before)
        try SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name]).reloading()
        var after = timespec()
        clock_gettime(CLOCK_MONOTONIC, &after)

        let lines = socket.receive().split(separator: "\n")
        #expect(lines.first == "RELOADING=1")
        let sent = try #require(lines.last.flatMap { $0.wholeMatch(of: /MONOTONIC_USEC=(\d+)/) }.flatMap { UInt64($0.1) })
        let microseconds = { (t: timespec) in UInt64(t.tv_sec) * 1_000_000 + UInt64(t.tv_nsec) / 1000 }
        #expect((microseconds(before)...microseconds(after)).contains(sent))
    }

    @Test func abstractNamespaceSocketIsReached() throws {
        let socket = try NotifySocket("@gtcp-gateway-test-\(UUID().uuidString)")
        try SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name]).ready()
        #expect(socket.receive() == "READY=1\n")
    }

    @Test func withoutNotifySocketNothingIsSent() throws {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        try notifier.ready()
    }

    @Test func aSocketNobodyListensOnIsAnError() throws {
        let directory = try TemporaryDirectory()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": directory.path + "/nobody"])
        #expect(throws: SystemdNotifier.NotifyError.self) { try notifier.ready() }
    }

    @Test func watchdogIntervalIsHalfOfWatchdogUsecForThisProcess() {
        let pid = getpid()
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000"]).watchdogInterval == .seconds(15))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "\(pid)"]).watchdogInterval
            == .seconds(15))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "\(pid + 1)"])
            .watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "0"]).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: [:]).watchdogInterval == nil)
    }
}
