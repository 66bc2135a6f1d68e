import Foundation
import GatewayUpstream
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// Tells the backend when clients connect, say hello and disconnect, by POSTing each event as
/// JSON to the events URL.
///
/// Connections only queue their events: a full queue drops the event and counts it, so a slow or
/// dead receiver never holds up a client, and `GET /connections` is there to reconcile. A failed
/// POST is tried again a few times with growing pauses. As a `Service` placed before the
/// listener, it sends what the drained connections left, for at most the events timeout.
public final class LifecycleEvents: Service {
    private struct State: Sendable {
        var configuration: EventsConfiguration
        var queue: EventQueue<LifecycleEvent>
        var sequence: UInt64 = 0
        /// Shut down: nothing more is queued, retried or started.
        var stopped = false
        var idleWaiters: [CheckedContinuation<Void, Never>] = []

        /// Takes out the events that may be sent now.
        mutating func startable() -> [LifecycleEvent] {
            guard !stopped else { return [] }
            var events: [LifecycleEvent] = []
            while let next = queue.next() {
                events.append(next.event)
            }
            return events
        }

        mutating func takeIdleWaitersIfIdle() -> [CheckedContinuation<Void, Never>] {
            guard queue.isEmpty || stopped else { return [] }
            defer { idleWaiters.removeAll() }
            return idleWaiters
        }
    }

    /// POSTs on their way at once, across all connections.
    static let maxSending = 32

    private let state: NIOLockedValueBox<State>
    private let poster: any HTTPPoster
    private let metrics: GatewayMetrics
    private let retry: EventRetry
    /// Where pauses before a retry are timed.
    private let eventLoop: any EventLoop
    private let logger: Logger
    private let loggedProblems = LogOnce()

    /// - Parameters:
    ///   - queueSize: events held at most, waiting or being sent; more are dropped.
    ///   - poster: sends the POSTs, e.g. the `CurlClient` the upstream runs on.
    public convenience init(
        configuration: EventsConfiguration,
        queueSize: Int,
        poster: any HTTPPoster,
        metrics: GatewayMetrics,
        eventLoop: any EventLoop,
        logger: Logger
    ) {
        self.init(
            configuration: configuration, queueSize: queueSize, poster: poster, metrics: metrics,
            retry: .standard, eventLoop: eventLoop, logger: logger)
    }

    init(
        configuration: EventsConfiguration,
        queueSize: Int,
        poster: any HTTPPoster,
        metrics: GatewayMetrics,
        retry: EventRetry,
        eventLoop: any EventLoop,
        logger: Logger
    ) {
        self.state = NIOLockedValueBox(
            State(configuration: configuration, queue: EventQueue(capacity: queueSize, maxSending: Self.maxSending)))
        self.poster = poster
        self.metrics = metrics
        self.retry = retry
        self.eventLoop = eventLoop
        self.logger = logger
    }

    /// Events sent from now on, queued ones included, use `configuration` (SIGHUP).
    public func update(_ configuration: EventsConfiguration) {
        state.withLockedValue { $0.configuration = configuration }
    }

    var connectHook: Bool {
        state.withLockedValue { $0.configuration.connectHook }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        // The listener has drained by now, so every connection's last event is queued.
        let budget = state.withLockedValue { $0.configuration.timeout }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: budget)
                self.stop()
            }
            group.addTask { await self.waitUntilIdle() }
            await group.next()
            group.cancelAll()
            self.stop()
        }
    }

    // MARK: Events, queued from the connections' event loops

    /// With `admission`, the connect hook is on and the verdict is reported there.
    func connected(_ id: ConnectionID, remoteAddress: String, admission: (@Sendable (Admission) -> Void)?) {
        enqueue(
            LifecycleEvent(
                kind: .connected, connectionID: id, remoteAddress: remoteAddress, time: Date(), admission: admission))
    }

    func hello(_ id: ConnectionID, remoteAddress: String, clientName: String) {
        enqueue(
            LifecycleEvent(
                kind: .hello, connectionID: id, remoteAddress: remoteAddress, clientName: clientName, time: Date()))
    }

    func disconnected(_ id: ConnectionID, remoteAddress: String, clientName: String?, reason: DisconnectReason) {
        enqueue(
            LifecycleEvent(
                kind: .disconnected, connectionID: id, remoteAddress: remoteAddress, clientName: clientName,
                reason: reason, time: Date()))
    }

    private func enqueue(_ event: LifecycleEvent) {
        var event = event
        let (refusal, startable) = state.withLockedValue { state -> ((EventDropReason, String)?, [LifecycleEvent]) in
            state.sequence += 1
            event.sequence = state.sequence
            if state.stopped {
                return ((.shutdown, "gateway is shutting down"), [])
            }
            guard state.queue.append(event, for: event.connectionID) else {
                return ((.queueFull, "event queue is full"), [])
            }
            return (nil, state.startable())
        }
        if let (reason, problem) = refusal {
            drop(event, reason, problem: problem)
        }
        startable.forEach { send($0, attempt: 1) }
    }

    // MARK: Sending, from any thread

    private func send(_ event: LifecycleEvent, attempt: Int) {
        let configuration = state.withLockedValue { $0.configuration }
        let post = HTTPPost(
            url: configuration.url, body: event.json, timeout: configuration.timeout,
            connectTimeout: configuration.timeout, caFile: configuration.caFile)
        poster.post(post) { result in
            self.sent(event, attempt: attempt, result: result)
        }
    }

    private func sent(_ event: LifecycleEvent, attempt: Int, result: HTTPPostResult) {
        let verdict = EventDelivery(result, isHook: event.admission != nil)
        switch verdict {
        case .delivered(let admission):
            metrics.eventsSent.increment()
            event.admission?(admission)
        case .failed(let problem, let retryable):
            let stopped = state.withLockedValue { $0.stopped }
            if retryable && attempt < retry.attempts && !stopped {
                eventLoop.scheduleTask(in: TimeAmount(retry.backoff.pause(after: attempt))) {
                    self.send(event, attempt: attempt + 1)
                }
                return
            }
            drop(event, stopped ? .shutdown : .failed, problem: problem)
        }
        finished(event)
    }

    private func drop(_ event: LifecycleEvent, _ reason: EventDropReason, problem: String) {
        metrics.eventsDropped[reason]?.increment()
        if loggedProblems.firstTime(problem) {
            logger.warning("lifecycle event not delivered to the events URL: \(problem)")
        }
        logger.debug("dropped \(event.kind.rawValue) event \(event.sequence) of connection \(event.connectionID): \(problem)")
        event.admission?(.refused(problem))
    }

    private func finished(_ event: LifecycleEvent) {
        let (startable, idle) = state.withLockedValue { state in
            state.queue.finished(event.connectionID)
            return (state.startable(), state.takeIdleWaitersIfIdle())
        }
        idle.forEach { $0.resume() }
        startable.forEach { send($0, attempt: 1) }
    }

    // MARK: Shutdown

    private func waitUntilIdle() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLockedValue { state in
                state.idleWaiters.append(continuation)
                return state.takeIdleWaitersIfIdle()
            }
            idle.forEach { $0.resume() }
        }
    }

    /// Drops what still waits; POSTs already on their way finish, but are not retried.
    private func stop() {
        let (removed, idle) = state.withLockedValue { state in
            guard !state.stopped else { return ([LifecycleEvent](), [CheckedContinuation<Void, Never>]()) }
            state.stopped = true
            return (state.queue.removeWaiting(), state.takeIdleWaitersIfIdle())
        }
        removed.forEach { drop($0, .shutdown, problem: "gateway is shutting down") }
        idle.forEach { $0.resume() }
    }
}

/// How often and after what pauses a failed event POST is tried again.
struct EventRetry: Sendable {
    /// Tries in all, the first one included.
    var attempts: Int
    var backoff: RetryBackoff

    /// Pauses of 250ms, 500ms, 1s.
    static let standard = EventRetry(attempts: 4, backoff: RetryBackoff(first: .milliseconds(250), limit: .seconds(1)))
}

/// What one POST of an event came to.
enum EventDelivery: Equatable {
    /// The receiver took it; for the connect hook, with its verdict.
    case delivered(Admission)
    case failed(problem: String, retryable: Bool)

    init(_ result: HTTPPostResult, isHook: Bool) {
        switch result {
        case .answered(let status) where (200..<300).contains(status):
            self = .delivered(.admitted)
        case .answered(let status) where status >= 500 || status == 408 || status == 429:
            self = .failed(problem: "HTTP \(status)", retryable: true)
        case .answered(let status):
            // Any other answer is the receiver's last word; to the connect hook it is a refusal.
            self = isHook ? .delivered(.refused("HTTP \(status)")) : .failed(problem: "HTTP \(status)", retryable: false)
        case .failed(let problem):
            self = .failed(problem: problem, retryable: true)
        }
    }
}
