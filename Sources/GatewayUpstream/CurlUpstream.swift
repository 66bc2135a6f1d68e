import CCurl
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The HTTP backend reached through libcurl: one multi handle on one dedicated thread,
/// keep-alive connections shared by all requests. Call `shutdown()` before letting it go.
public final class CurlUpstream: Upstream {
    private let queue: CurlRequestQueue
    /// Taken by the first `shutdown()`, which joins it.
    private let thread: Mutex<pthread_t?>

    public init(configuration: UpstreamConfiguration, logger: Logger) throws {
        let problems =
            [configuration.urlTemplate.flatMap { UpstreamConfiguration.validateTemplate($0) }]
            + configuration.routes.routes.map { UpstreamConfiguration.validateTemplate($0.urlTemplate, requiringAct: false) }
        if let problem = problems.lazy.compactMap({ $0 }).first {
            throw CurlUpstreamError(description: problem)
        }
        guard curlGlobalInit == CURLE_OK else {
            throw CurlUpstreamError(
                description: "libcurl failed to initialise: \(CurlCompletion.describe(curlGlobalInit))")
        }
        guard let multi = curl_multi_init() else {
            throw CurlUpstreamError(description: "libcurl could not create a multi handle")
        }

        let queue = CurlRequestQueue(configuration: configuration, wakeup: CurlWakeup(multi: multi))
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
        self.thread = Mutex(thread)
    }

    public func forward(_ request: UpstreamRequest, completion: @escaping @Sendable (UpstreamOutcome) -> Void) {
        // Refused requests complete on the caller's thread: the loop may be gone.
        switch queue.enqueue(request, completion: completion) {
        case .accepted:
            break
        case .shuttingDown:
            completion(.failed(status: nil, error: "gateway is shutting down"))
        case .unrouted:
            // A reload removed the route since the caller asked `handles(act:)`.
            completion(.failed(status: nil, error: "no upstream configured for act \(request.act)"))
        }
    }

    public func handles(act: String) -> Bool {
        queue.hasTarget(for: act)
    }

    /// Requests accepted from now on use `configuration`; those already accepted keep theirs.
    public func update(_ configuration: UpstreamConfiguration) {
        queue.update(configuration)
    }

    /// Requests accepted and not yet completed.
    public var inFlightCount: Int {
        queue.inFlightCount
    }

    /// Refuses new requests, lets the accepted ones finish, frees curl and joins the thread.
    public func shutdown() async {
        await queue.drain()
        // The loop has signalled its very last step, so this join waits for no work.
        if let thread = self.thread.withLock({ $0.take() }) {
            pthread_join(thread, nil)
        }
    }
}

public struct CurlUpstreamError: Error, CustomStringConvertible {
    public var description: String
}

/// Not thread-safe in libcurl before 7.84, so done once, before the first handle, by Swift's
/// lazy global initialisation.
private let curlGlobalInit = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
