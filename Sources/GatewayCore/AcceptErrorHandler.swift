import Logging
import NIOCore

/// Reports failed accepts on the listener (out of file descriptors, most often) without a log
/// line per attempt. `AcceptBackoffHandler`, ahead of it, pauses accepting after each failure;
/// the listener stays open and accepts again once descriptors are free.
final class AcceptErrorHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel

    private var reports: RepeatedErrorReports
    private let logger: Logger
    private let metrics: GatewayMetrics

    init(interval: TimeAmount, logger: Logger, metrics: GatewayMetrics) {
        self.reports = RepeatedErrorReports(interval: interval)
        self.logger = logger
        self.metrics = metrics
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        metrics.acceptErrors.increment()
        guard let count = reports.errorOccurred(at: .now()) else { return }
        let repeated = count > 1 ? " (\(count) failures since the last report)" : ""
        logger.warning("accepting a connection failed: \(error)\(repeated)")
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
