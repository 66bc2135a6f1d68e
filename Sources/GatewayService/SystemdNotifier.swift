#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Tells systemd how the service is doing (sd_notify(3)) without libsystemd: one datagram per
/// message to the AF_UNIX socket named by `NOTIFY_SOCKET`, a path or, starting with `@`, a name
/// in Linux's abstract namespace. Without `NOTIFY_SOCKET` every message is dropped.
public struct SystemdNotifier: Sendable {
    public struct NotifyError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The socket address as given; nil when systemd does not listen.
    public let socketName: String?
    /// How often to call ``watchdog()``: half of `WATCHDOG_USEC`, as sd_watchdog_enabled(3)
    /// recommends; nil when systemd expects no keep-alives from this process.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, processID: pid_t = getpid()) {
        socketName = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        watchdogInterval = Self.watchdogInterval(environment: environment, processID: processID)
    }

    public var isEnabled: Bool { socketName != nil }

    /// Start-up (or a reload) is complete.
    public func ready(status: String? = nil) throws(NotifyError) {
        try notify(["READY=1"] + (status.map { ["STATUS=\($0)"] } ?? []))
    }

    /// Free text `systemctl status` shows.
    public func status(_ text: String) throws(NotifyError) {
        try notify(["STATUS=\(text)"])
    }

    /// A reload begins; ``ready(status:)`` ends it. The monotonic time lets systemd match the
    /// message to the reload it asked for (Type=notify-reload).
    public func reloading() throws(NotifyError) {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        try notify(["RELOADING=1", "MONOTONIC_USEC=\(microseconds)"])
    }

    /// Shutdown begins.
    public func stopping() throws(NotifyError) {
        try notify(["STOPPING=1"])
    }

    /// Keep-alive for `WatchdogSec=`.
    public func watchdog() throws(NotifyError) {
        try notify(["WATCHDOG=1"])
    }

    /// Sends `assignments` as one newline-separated datagram.
    public func notify(_ assignments: [String]) throws(NotifyError) {
        guard let socketName else { return }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketName.utf8)
        let isAbstract = path.first == UInt8(ascii: "@")
        if isAbstract { path[0] = 0 }  // abstract names start with a NUL byte instead of '@'
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else {
            throw NotifyError(description: "NOTIFY_SOCKET \(socketName) is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        // Abstract names are exactly their bytes; paths end with the NUL that follows them.
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + path.count + (isAbstract ? 0 : 1))

        #if canImport(Glibc)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let descriptor = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard descriptor >= 0 else { throw failure("socket") }
        defer { close(descriptor) }
        let message = Array((assignments.joined(separator: "\n") + "\n").utf8)
        let sent = message.withUnsafeBytes { bytes in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
        guard sent == message.count else { throw failure("sendto") }
    }

    private func failure(_ call: String) -> NotifyError {
        NotifyError(description: "cannot notify systemd at \(socketName ?? ""): \(call): \(String(cString: strerror(errno)))")
    }

    private static func watchdogInterval(environment: [String: String], processID: pid_t) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0 else {
            return nil
        }
        // The watchdog may be meant for another process of the service (the main one).
        if let owner = environment["WATCHDOG_PID"], pid_t(owner) != processID { return nil }
        return .microseconds(Int64(clamping: microseconds / 2))
    }
}
