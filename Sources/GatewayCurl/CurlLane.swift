import CCurl
import CoreMetrics
import GatewayUpstream
import Logging
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libcurl multi handle driven by a `CurlMultiLoop` on a thread of its own, and the queue
/// other threads hand it work through. Call `shutdown()` before letting it go.
final class CurlLane: Sendable {
    private let queue: CurlRequestQueue
    /// Taken by the first `shutdown()`, which joins it.
    private let thread: NIOLockedValueBox<pthread_t?>

    /// At most `maxHostConnections` connections to each host, each carrying up to `maxStreams`
    /// HTTP/2 requests; `waitingForConnection` counts the requests beyond them. The thread is
    /// called `threadName` (at most 15 bytes) in `top -H`, `ps -L` and profiles.
    init(
        threadName: String, maxHostConnections: Int, maxStreams: Int, waitingForConnection: Meter, logger: Logger
    ) throws(CurlUpstreamError) {
        guard let multi = curl_multi_init() else {
            throw CurlUpstreamError(description: "libcurl could not create a multi handle")
        }
        let queue = CurlRequestQueue(wakeup: CurlWakeup(multi: multi))
        let loop = CurlMultiLoop(
            multi: multi, queue: queue, threadName: threadName, maxHostConnections: maxHostConnections,
            maxStreams: maxStreams, waitingForConnection: waitingForConnection, logger: logger)
        // The loop goes to its thread through a raw pointer: from here on only that thread owns it.
        let context = Unmanaged.passRetained(loop).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<CurlMultiLoop>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        guard created == 0 else {
            Unmanaged<CurlMultiLoop>.fromOpaque(context).release()
            curl_multi_cleanup(multi)
            throw CurlUpstreamError(description: "could not start an upstream thread (error \(created))")
        }
        self.queue = queue
        self.thread = NIOLockedValueBox(thread)
    }

    /// False once shutdown has begun: the caller completes the work itself, on its own thread.
    func enqueue(_ work: CurlWork) -> Bool {
        queue.enqueue(work)
    }

    var inFlightCount: Int {
        queue.inFlightCount
    }

    /// Refuses new requests, lets the accepted ones finish, frees curl and joins the thread.
    func shutdown() async {
        await queue.drain()
        // The loop has signalled its very last step, so this join waits for no work.
        if let thread = self.thread.withLockedValue({ $0.take() }) {
            pthread_join(thread, nil)
        }
    }
}
