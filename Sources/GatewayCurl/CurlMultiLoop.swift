import CCurl
import CurlShim
import CoreMetrics
import GatewayUpstream
import Logging
import SettingsText

/// Drives one multi handle on its own thread (a `CurlLane`'s). That thread alone touches the
/// multi handle, its easy handles and transfers, so none of them needs a lock.
final class CurlMultiLoop {
    /// Idle keep-alive connections curl may keep open beside the ones in use.
    private static let maxIdleConnections = 64
    /// Finished easy handles kept for reuse; more are created on demand under load.
    private static let maxIdleEasyHandles = 64
    /// Only a safety net: requests and shutdown wake the poll at once.
    private static let idlePollMilliseconds: Int32 = 1_000

    private let multi: UnsafeMutableRawPointer
    private let queue: CurlRequestQueue
    private let threadName: String
    private let logger: Logger
    private var transfers: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var posts: [UnsafeMutableRawPointer: CurlPostTransfer] = [:]
    private var idleEasyHandles: [UnsafeMutableRawPointer] = []
    private var retries = RetrySchedule<CurlTransfer>(
        backoff: RetryBackoff(first: .milliseconds(100), limit: .seconds(2)))
    /// Completions of this pass, run together after one update of the in-flight count.
    private var finished: [() -> Void] = []
    /// The CURLMOPT_MAXCONNECTS in force.
    private var maxConnections = 0
    private let connectionWaits = CurlConnectionWaits()
    /// The gateway's count of requests waiting for a connection, shared by all lanes.
    private let waitingForConnection: Meter
    /// This lane's part of it.
    private var publishedWaitingCount = 0

    /// Each host gets at most `maxHostConnections` connections at once; more requests to it wait
    /// in curl for one to free up. An HTTP/2 connection carries up to `maxStreams` requests at once.
    init(
        multi: UnsafeMutableRawPointer, queue: CurlRequestQueue, threadName: String, maxHostConnections: Int,
        maxStreams: Int, waitingForConnection: Meter, logger: Logger
    ) {
        self.multi = multi
        self.queue = queue
        self.threadName = threadName
        self.waitingForConnection = waitingForConnection
        self.logger = logger
        _ = curl_shim_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxHostConnections)
        // Only HTTP/2 requests multiplex (upstream-http-version); HTTP/1.1 ones keep a connection each.
        _ = curl_shim_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        _ = curl_shim_multi_setopt_long(multi, CURLMOPT_MAX_CONCURRENT_STREAMS, maxStreams)
        updateMaxConnections()
    }

    func run() {
        nameCurrentThread(threadName)
        while true {
            let (queued, draining) = queue.takeQueued()
            queued.forEach(start)
            startDueRetries()
            runFinished()
            updateMaxConnections()
            if draining && isIdle { break }

            var running: Int32 = 0
            let performed = curl_multi_perform(multi, &running)
            if performed != CURLM_OK {
                logger.warning("curl_multi_perform failed", metadata: ["error": "\(Self.describe(performed))"])
            }
            completeFinishedTransfers()
            expireWaitingTransfers()
            publishWaitingCount()
            runFinished()
            if draining && isIdle { break }

            _ = curl_multi_poll(multi, nil, 0, pollMilliseconds(), nil)
        }
        for easy in idleEasyHandles {
            curl_easy_cleanup(easy)
        }
        curl_multi_cleanup(multi)
        queue.loopStopped()
    }

    /// curl counts the connections in use against CURLMOPT_MAXCONNECTS and closes the oldest idle
    /// one whenever a transfer ends above it, so a fixed limit below the concurrency would close
    /// and reopen a connection per request under load. CURLMOPT_MAX_HOST_CONNECTIONS caps those in
    /// use per host; routes may name several hosts, so this stays above the transfers running
    /// (the queued ones count too, which only makes it larger than needed).
    private func updateMaxConnections() {
        let wanted = transfers.count + posts.count + Self.maxIdleConnections
        guard wanted != maxConnections else { return }
        maxConnections = wanted
        _ = curl_shim_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, wanted)
    }

    /// One update of the shared in-flight count for all completions of a pass, not one each.
    private func runFinished() {
        guard !finished.isEmpty else { return }
        queue.requestsFinished(finished.count)
        for completion in finished {
            completion()
        }
        finished.removeAll(keepingCapacity: true)
    }

    /// Before the completions of a pass run, so whoever sees one sees the count of that pass.
    private func publishWaitingCount() {
        let change = connectionWaits.count - publishedWaitingCount
        guard change != 0 else { return }
        publishedWaitingCount = connectionWaits.count
        if change > 0 {
            waitingForConnection.increment(by: Double(change))
        } else {
            waitingForConnection.decrement(by: Double(-change))
        }
    }

    /// Nothing running and no retry waiting: a draining loop may stop.
    private var isIdle: Bool {
        transfers.isEmpty && posts.isEmpty && retries.isEmpty
    }

    private func start(_ work: CurlWork) {
        switch work {
        case .forward(let queued):
            start(CurlTransfer(queued, connectionWaits: connectionWaits))
        case .post(let queued):
            let post = CurlPostTransfer(queued)
            if let easy = add(configure: post.configure, failed: { complete(post, .failed($0)) }) {
                posts[easy] = post
            }
        }
    }

    /// A forwarded act's first attempt, or a retry of it.
    private func start(_ transfer: CurlTransfer) {
        let added = add(configure: transfer.configure) { problem in
            complete(transfer, .failed(status: nil, error: "upstream request failed: \(problem)"))
        }
        if let easy = added {
            transfers[easy] = transfer
            connectionWaits.add(transfer, easy: easy, now: .now)
        }
    }

    /// An easy handle set up by `configure` and running in the multi handle, or nil once
    /// `failed` has been told why not.
    private func add(
        configure: (UnsafeMutableRawPointer) throws(CurlSetupError) -> Void,
        failed: (String) -> Void
    ) -> UnsafeMutableRawPointer? {
        guard let easy = idleEasyHandles.popLast() ?? newEasyHandle(failed: failed) else { return nil }
        do {
            try configure(easy)
        } catch {
            recycle(easy)
            failed(CurlCompletion.describe(error.code))
            return nil
        }
        let added = curl_multi_add_handle(multi, easy)
        guard added == CURLM_OK else {
            recycle(easy)
            failed(Self.describe(added))
            return nil
        }
        return easy
    }

    /// A handle with the options every request shares, or nil once `failed` has been told why not.
    private func newEasyHandle(failed: (String) -> Void) -> UnsafeMutableRawPointer? {
        guard let easy = curl_easy_init() else {
            failed("out of memory")
            return nil
        }
        do {
            try CurlRequestOptions.applyFixed(to: easy)
            return easy
        } catch {
            curl_easy_cleanup(easy)
            failed(CurlCompletion.describe(error.code))
            return nil
        }
    }

    private func completeFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            // Read before removing the handle, which invalidates the message.
            let code = message.pointee.data.result
            if let post = posts.removeValue(forKey: easy) {
                let (status, _, _) = remove(easy)
                complete(post, post.result(code: code, status: status), status: status)
                continue
            }
            guard let transfer = transfers.removeValue(forKey: easy) else { continue }
            connectionWaits.stopWaiting(transfer)
            let (status, reachedServer, systemError) = remove(easy)
            let completion = CurlCompletion(
                code: code,
                status: status,
                body: transfer.body,
                responseAct: transfer.responseAct,
                bodyExceededLimit: transfer.bodyExceededLimit,
                reachedServer: reachedServer,
                systemError: systemError
            )
            var outcome = completion.outcome(for: transfer.request, configuration: transfer.configuration)
            if transfer.mayRetry(after: completion) {
                scheduleRetry(of: transfer, after: outcome)
                continue
            }
            if transfer.attempt > 1, case .failed(let status, let error) = outcome {
                outcome = .failed(status: status, error: "\(error) (\(transfer.attempt) attempts)")
            }
            complete(transfer, outcome, status: status)
        }
    }

    /// Not retried: the request's time is up.
    private func expireWaitingTransfers() {
        for wait in connectionWaits.removeExpired(now: .now) {
            transfers[wait.easy] = nil
            curl_multi_remove_handle(multi, wait.easy)
            recycle(wait.easy)
            let timeout = DurationText.describe(wait.transfer.configuration.timeout)
            complete(wait.transfer, .failed(status: nil, error: "upstream timed out after \(timeout) waiting for a connection"))
        }
    }

    private func scheduleRetry(of transfer: CurlTransfer, after outcome: UpstreamOutcome) {
        let backoff = retries.add(transfer.retried(), after: transfer.attempt, now: .now)
        logger.debug(
            "upstream attempt failed, retrying",
            metadata: [
                "request-id": "\(transfer.request.requestID)",
                "act": "\(transfer.request.act)",
                "attempt": "\(transfer.attempt)",
                "result": "\(outcome.logDescription)",
                "backoff-ms": "\(backoff.roundedUpMilliseconds)",
            ])
    }

    private func startDueRetries() {
        retries.takeDue(now: .now).forEach(start)
    }

    /// Until the next retry is due or a waiting request's time is up, or the idle safety net.
    private func pollMilliseconds() -> Int32 {
        let now = ContinuousClock.now
        let waits = [retries.wait(now: now), connectionWaits.nextDeadline.map { max($0 - now, .zero) }]
        guard let wait = waits.compactMap({ $0 }).min() else { return Self.idlePollMilliseconds }
        return Int32(min(wait.roundedUpMilliseconds, Int(Self.idlePollMilliseconds)))
    }

    /// Takes a finished handle out of the multi handle and recycles it, keeping what curl knew of
    /// the answer: its status (0 when none arrived), whether the request reached the server, and
    /// the errno of a failed connect (0 when none).
    private func remove(_ easy: UnsafeMutableRawPointer) -> (status: Int, reachedServer: Bool, systemError: Int) {
        curl_multi_remove_handle(multi, easy)
        var status = 0
        _ = curl_shim_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        var pretransferMicroseconds: curl_off_t = 0
        _ = curl_shim_easy_getinfo_off_t(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransferMicroseconds)
        var systemError = 0
        _ = curl_shim_easy_getinfo_long(easy, CURLINFO_OS_ERRNO, &systemError)
        recycle(easy)
        return (status, pretransferMicroseconds > 0, systemError)
    }

    /// Keeps the handle for the next request, which sets all its varying options again (see
    /// CurlRequestOptions); curl keeps its connection in the multi handle's pool.
    private func recycle(_ easy: UnsafeMutableRawPointer) {
        if idleEasyHandles.count < Self.maxIdleEasyHandles {
            idleEasyHandles.append(easy)
        } else {
            curl_easy_cleanup(easy)
        }
    }

    /// `status` is 0 when no response arrived.
    private func complete(_ transfer: CurlTransfer, _ outcome: UpstreamOutcome, status: Int = 0) {
        logger.debug(
            "upstream request finished",
            metadata: [
                "request-id": "\(transfer.request.requestID)",
                "act": "\(transfer.request.act)",
                "status": "\(status)",
                "result": "\(outcome.logDescription)",
                "duration-ms": "\((ContinuousClock.now - transfer.startedAt).roundedUpMilliseconds)",
            ])
        let completion = transfer.completion
        finished.append { completion(outcome) }
    }

    private func complete(_ post: CurlPostTransfer, _ result: HTTPPostResult, status: Int = 0) {
        logger.debug(
            "post finished",
            metadata: [
                "url": "\(post.post.url)",
                "status": "\(status)",
                "duration-ms": "\((ContinuousClock.now - post.startedAt).roundedUpMilliseconds)",
            ])
        let completion = post.completion
        finished.append { completion(result) }
    }

    private static func describe(_ code: CURLMcode) -> String {
        String(cString: curl_multi_strerror(code))
    }
}

extension UpstreamOutcome {
    fileprivate var logDescription: String {
        switch self {
        case .reply: "reply"
        case .noReply: "no reply"
        case .failed(_, let error): error
        }
    }
}
