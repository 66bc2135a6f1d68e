import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Handles failed accepts on the listener: pauses accepting for a moment when the process is out
/// of descriptors or memory, and reports failures without a log line per attempt.
///
/// Such a failure leaves the connection queued and the listener readable, and NIO keeps its read
/// pending, so it would retry at once in a busy loop; NIO's `AcceptBackoffHandler` only delays
/// the next read and cannot stop that. Turning `autoRead` off takes the listener out of the poll
/// set until the pause ends; clients wait in the backlog meanwhile.
final class AcceptErrorHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel

    private var reports: RepeatedErrorReports
    private let pause: TimeAmount
    private let logger: Logger
    private let metrics: GatewayMetrics
    private var resumeAccepting: Scheduled<Void>?

    init(reportInterval: TimeAmount, pause: TimeAmount, logger: Logger, metrics: GatewayMetrics) {
        self.reports = RepeatedErrorReports(interval: reportInterval)
        self.pause = pause
        self.logger = logger
        self.metrics = metrics
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        metrics.acceptErrors.increment()
        if let count = reports.errorOccurred(at: .now()) {
            let repeated = count > 1 ? " (\(count) failures since the last report)" : ""
            logger.warning("accepting a connection failed: \(error)\(repeated)")
        }
        if Self.isShortOfResources(error) {
            pauseAccepting(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        resumeAccepting?.cancel()
        resumeAccepting = nil
        context.fireChannelInactive()
    }

    private func pauseAccepting(context: ChannelHandlerContext) {
        guard resumeAccepting == nil, let options = context.channel.syncOptions else { return }
        try? options.setOption(.autoRead, value: false)
        resumeAccepting = context.eventLoop.assumeIsolated().scheduleTask(in: pause) {
            self.resumeAccepting = nil
            try? context.channel.syncOptions?.setOption(.autoRead, value: true)
        }
    }

    /// The failures that repeat until something else frees resources; others (a client gone
    /// before it was accepted) concern one connection only.
    private static func isShortOfResources(_ error: any Error) -> Bool {
        guard let error = error as? IOError else { return false }
        return [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errnoCode)
    }
}

/// When a repeated error is worth a log line: the first at once, then at most one per interval,
/// telling how many occurred since the last line.
struct RepeatedErrorReports {
    private let interval: TimeAmount
    private var quietUntil: NIODeadline?
    private var unreported = 0

    init(interval: TimeAmount) {
        self.interval = interval
    }

    /// The number of errors to report now, this one included, or nil to stay quiet.
    mutating func errorOccurred(at now: NIODeadline) -> Int? {
        unreported += 1
        if let quietUntil, now < quietUntil {
            return nil
        }
        quietUntil = now + interval
        defer { unreported = 0 }
        return unreported
    }
}
