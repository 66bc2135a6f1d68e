#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import ServiceLifecycle
import UnixSignals

/// SIGTERM and SIGINT: the first starts the service group's graceful shutdown (the drain, then
/// each service stops in reverse order); another one while that runs ends the process at once,
/// for an operator who will not wait out the shutdown grace.
///
/// Handled here rather than by the group, which ignores further graceful-shutdown signals.
struct StopSignals {
    static let signals: [UnixSignal] = [.sigterm, .sigint]

    let logger: Logger

    /// Runs `serviceGroup` (configured without signals of its own) with these signals in charge.
    func run(_ serviceGroup: ServiceGroup) async throws {
        // Trapped before the group starts, so that no signal meets the default action.
        let signals = await UnixSignalsSequence(trapping: Self.signals)
        let logger = self.logger
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask {
                var received = signals.makeAsyncIterator()
                guard let first = await received.next() else { return }
                logger.info("\(first): shutting down gracefully; send SIGTERM or SIGINT again to exit at once")
                await serviceGroup.triggerGracefulShutdown()
                guard let second = await received.next() else { return }
                // 128 + the signal number, as a shell reports a process the signal ended.
                let status = 128 + second.rawValue
                logger.warning("\(second) during the graceful shutdown: exiting at once with status \(status)")
                // _exit, not exit: other threads still run, and atexit handlers must not race them.
                _exit(status)
            }
            try await serviceGroup.run()
            tasks.cancelAll()
        }
    }
}
