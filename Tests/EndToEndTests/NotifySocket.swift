import Foundation
import NIOConcurrencyHelpers

/// Stands in for systemd's notify socket: an AF_UNIX datagram socket whose path goes into
/// `NOTIFY_SOCKET`. Each datagram is one notification: `KEY=value` lines (sd_notify(3)).
///
/// Read by a plain thread: senders are unnamed sockets, an address NIO's datagram channel
/// cannot represent.
final class NotifySocket: Sendable {
    typealias Notification = [String: String]

    let path: String
    let notifications = Transcript<Notification>()
    private let descriptor: Descriptor

    /// Binds `notify` in `directory`.
    init(in directory: URL) throws {
        path = directory.appendingPathComponent("notify").path
        let socketDescriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        descriptor = Descriptor(socketDescriptor)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard socketDescriptor >= 0, bound == 0 else {
            descriptor.close()
            throw NotifySocketError(description: "cannot bind \(path): \(String(cString: strerror(errno)))")
        }
        Thread.detachNewThread { [descriptor, notifications] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(descriptor.value, &buffer, buffer.count, 0)
                if count < 0 && errno == EINTR {
                    continue
                }
                // 0: close() shut the socket down; a datagram is never empty (sd_notify sends a line).
                if count <= 0 {
                    break
                }
                notifications.append(Self.parse(buffer[..<count]))
            }
            descriptor.close()
            notifications.end()
        }
    }

    /// The `occurrence`th notification that sets `key` (to `value`, when given).
    func notification(setting key: String, to value: String? = nil, occurrence: Int = 1) async -> Notification? {
        await notifications.item(occurrence) { $0[key] != nil && (value == nil || $0[key] == value) }
    }

    /// The position of that notification among all received.
    func index(setting key: String, to value: String? = nil, occurrence: Int = 1) async -> Int? {
        await notifications.index(occurrence) { $0[key] != nil && (value == nil || $0[key] == value) }
    }

    /// Stops reading: waits for a notification still open end with nil.
    func close() {
        descriptor.shutDown()
    }

    deinit {
        close()
    }

    private static func parse(_ datagram: ArraySlice<UInt8>) -> Notification {
        var notification: Notification = [:]
        for line in String(decoding: datagram, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            notification[String(parts[0])] = parts.count == 2 ? String(parts[1]) : ""
        }
        return notification
    }
}

/// The socket, closed once by its reader; shut down by anyone to make the reader stop.
private final class Descriptor: Sendable {
    let value: Int32
    /// Not `Mutex`: ThreadSanitizer cannot see its futex wait on Linux, and shutDown and close
    /// contend from two threads, so `make test-tsan` would report a race that is not there.
    private let closed = NIOLockedValueBox(false)

    init(_ value: Int32) {
        self.value = value
    }

    func shutDown() {
        closed.withLockedValue { closed in
            if !closed {
                _ = shutdown(value, Int32(SHUT_RDWR))
            }
        }
    }

    func close() {
        closed.withLockedValue { closed in
            closed = true
            _ = Glibc.close(value)
        }
    }
}

struct NotifySocketError: Error, CustomStringConvertible {
    var description: String
}
