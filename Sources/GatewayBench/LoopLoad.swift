import Histogram
import NIOCore

/// What the load connections on one event loop share: counts, latencies and pacing.
/// Confined to its loop, so the data path takes no lock.
final class LoopLoad {
    private let eventLoop: any EventLoop
    private(set) var counters = LoadCounters()
    private var latency = LatencyHistogram.make()
    private var firstError: String?
    /// Whether connections may send; false before the start and after the stop.
    private(set) var isSending = false
    private(set) var isPaced = false
    private var handlers: [LoadConnectionHandler] = []
    private var unfinishedConnections = 0
    private var isStarted = false
    private let allFinished: EventLoopPromise<Void>
    private var lastReplyAt: UInt64 = 0
    private var pacer: RatePacer?
    private var paceTimer: Scheduled<Void>?
    private var stopTimer: Scheduled<Void>?

    /// `allFinished` succeeds once the run started and every connection of this loop finished.
    init(eventLoop: any EventLoop, allFinished: EventLoopPromise<Void>) {
        self.eventLoop = eventLoop
        self.allFinished = allFinished
    }

    func connectionOpened(_ handler: LoadConnectionHandler) {
        handlers.append(handler)
        unfinishedConnections += 1
    }

    func connectionFinished() {
        unfinishedConnections -= 1
        succeedIfAllFinished()
    }

    private func succeedIfAllFinished() {
        if isStarted, unfinishedConnections == 0 {
            allFinished.succeed()
        }
    }

    /// Starts every connection of this loop; `rate` is this loop's share of the offered rate.
    func start(at start: NIODeadline, duration: TimeAmount, rate: Double?) {
        isStarted = true
        isSending = true
        stopTimer = eventLoop.assumeIsolated().scheduleTask(deadline: start + duration) { self.stop() }
        if let rate, rate > 0, !handlers.isEmpty {
            isPaced = true
            pacer = RatePacer(rate: rate, start: start.uptimeNanoseconds, budget: handlers.reduce(0) { $0 + $1.budget })
            pace()
        } else {
            for handler in handlers {
                handler.fillWindow()
            }
        }
        succeedIfAllFinished()
    }

    /// No more sending; connections finish once their outstanding replies are in.
    func stop() {
        guard isSending else { return }
        isSending = false
        paceTimer?.cancel()
        stopTimer?.cancel()
        for handler in handlers {
            handler.sendingStopped()
        }
    }

    /// The drain time is over: replies still outstanding are lost.
    func abandon() {
        stop()
        for handler in handlers {
            handler.abandon()
        }
        allFinished.succeed()
    }

    func summary() -> LoopSummary {
        LoopSummary(counters: counters, latency: latency, firstError: firstError, lastReplyAt: lastReplyAt)
    }

    // MARK: Called by the connections

    func recordSent(_ count: Int) {
        counters.sent += UInt64(count)
    }

    func recordReply(_ kind: ReplyClassifier.Kind, latency nanoseconds: UInt64, at now: UInt64) {
        lastReplyAt = now
        switch kind {
        case .ok:
            counters.replies += 1
            latency.record(nanoseconds)
        case .errorReply(let text):
            counters.errorReplies += 1
            recordFailure("error reply: \(text)")
        case .unexpected(let text):
            counters.unexpectedReplies += 1
            recordFailure(text)
        }
    }

    func recordUnsolicited() {
        counters.unsolicited += 1
    }

    func recordLost(_ count: Int, reason: String) {
        guard count > 0 else { return }
        counters.lost += UInt64(count)
        recordFailure("\(count) without reply: \(reason)")
    }

    func recordFailure(_ text: String) {
        if firstError == nil {
            firstError = text
        }
    }

    // MARK: Pacing

    /// Sends what the offered rate asks for by now, round-robin over connections with room.
    private func pace() {
        guard isSending, var pacer else { return }
        let now = NIODeadline.now().uptimeNanoseconds
        var due = pacer.due(at: now)
        var idleTurns = 0
        while due > 0, idleTurns < handlers.count {
            let handler = handlers[pacer.cursor]
            pacer.cursor = (pacer.cursor + 1) % handlers.count
            if handler.canSend {
                handler.sendNow()
                pacer.issued += 1
                due -= 1
                idleTurns = 0
            } else {
                idleTurns += 1
            }
        }
        self.pacer = pacer
        if pacer.issued >= pacer.budget {
            return
        }
        // Every connection full: look again shortly rather than at the next due time.
        let next = due > 0 ? now + Self.blockedRecheck : max(pacer.nextDue, now + Self.minimumTick)
        paceTimer = eventLoop.assumeIsolated().scheduleTask(deadline: NIODeadline.uptimeNanoseconds(next)) {
            self.pace()
        }
    }

    private static let blockedRecheck: UInt64 = 200_000
    private static let minimumTick: UInt64 = 20_000
}

/// One loop's figures, handed from its loop to the runner.
struct LoopSummary: Sendable {
    var counters: LoadCounters
    var latency: Histogram<UInt64>
    var firstError: String?
    var lastReplyAt: UInt64
}

/// Open-loop sending at a fixed rate: how many messages are due by a given time.
struct RatePacer {
    private let nanosecondsPerMessage: Double
    private let start: UInt64
    /// What the loop's connections may send in all.
    let budget: Int
    var issued = 0
    var cursor = 0

    init(rate: Double, start: UInt64, budget: Int) {
        self.nanosecondsPerMessage = 1e9 / rate
        self.start = start
        self.budget = budget
    }

    /// Messages due at `now` not yet sent; the first is due at the start.
    func due(at now: UInt64) -> Int {
        let elapsed = now > start ? now - start : 0
        return min(Int(Double(elapsed) / nanosecondsPerMessage) + 1, budget) - issued
    }

    var nextDue: UInt64 {
        start + UInt64(Double(issued) * nanosecondsPerMessage)
    }
}
