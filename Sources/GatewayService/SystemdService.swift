import GatewayCore
import Logging
import NIOCore
import ServiceLifecycle

/// Keeps systemd informed: `WATCHDOG=1` while every event loop still runs tasks, and `STATUS=`
/// with the number of open connections.
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let registry: ConnectionRegistry
    let group: any EventLoopGroup
    let logger: Logger

    /// How often the status line is refreshed when no watchdog asks for more often.
    private static let statusInterval = Duration.seconds(5)

    func run() async throws {
        guard notifier.isEnabled else {
            try? await gracefulShutdown()
            return
        }
        let interval = min(notifier.watchdogInterval ?? Self.statusInterval, Self.statusInterval)
        let (notifier, registry, group) = (self.notifier, self.registry, self.group)
        // Placed first in the service group, this runs until the drain is over.
        try? await cancelWhenGracefulShutdown {
            while true {
                // A loop that is stuck never runs this task, so the pings stop and systemd acts.
                for eventLoop in group.makeIterator() {
                    try await eventLoop.submit {}.get()
                }
                if notifier.watchdogInterval != nil {
                    try? notifier.watchdog()
                }
                try? notifier.status("serving \(registry.openCount) connections")
                try await Task.sleep(for: interval)
            }
        }
    }
}
