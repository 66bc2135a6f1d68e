import CCurl
import Logging
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
import NIOConcurrencyHelpers
#endif

/// libcurl's multi handle on one dedicated thread. Every HTTP request of the gateway, forwarded
/// acts and lifecycle events alike, shares its thread and its keep-alive connections.
/// Call `shutdown()` before letting it go.
public final class CurlClient: HTTPPoster {
    private let queue: CurlRequestQueue
    /// Taken by the first `shutdown()`, which joins it.
    private let thread: NIOLockedValueBox<pthread_t?>

    public init(logger: Logger) throws {
        guard curlGlobalInit == CURLE_OK else {
            throw CurlUpstreamError(
                description: "libcurl failed to initialise: \(CurlCompletion.describe(curlGlobalInit))")
        }
        guard let multi = curl_multi_init() else {
            throw CurlUpstreamError(description: "libcurl could not create a multi handle")
        }

        let queue = CurlRequestQueue(wakeup: CurlWakeup(multi: multi))
        let loop = CurlMultiLoop(multi: multi, queue: queue, logger: logger)
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
            throw CurlUpstreamError(description: "could not start the upstream thread (error \(created))")
        }
        self.queue = queue
        self.thread = NIOLockedValueBox(thread)
    }

    public func post(_ post: HTTPPost, completion: @escaping @Sendable (HTTPPostResult) -> Void) {
        if !enqueue(.post(QueuedPost(post: post, completion: completion, enqueuedAt: .now))) {
            completion(.failed("gateway is shutting down"))
        }
    }

    /// False once shutdown has begun: the caller completes the work itself, on its own thread.
    func enqueue(_ work: CurlWork) -> Bool {
        queue.enqueue(work)
    }

    /// Requests accepted and not yet completed.
    public var inFlightCount: Int {
        queue.inFlightCount
    }

    /// Refuses new requests, lets the accepted ones finish, frees curl and joins the thread.
    public func shutdown() async {
        await queue.drain()
        // The loop has signalled its very last step, so this join waits for no work.
        if let thread = self.thread.withLockedValue({ $0.take() }) {
            pthread_join(thread, nil)
        }
    }
}

/// Not thread-safe in libcurl before 7.84, so done once, before the first handle, by Swift's
/// lazy global initialisation.
private let curlGlobalInit = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
