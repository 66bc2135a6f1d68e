import CCurl
import CoreMetrics
import GatewayUpstream
import Logging

/// libcurl's multi interface on dedicated threads. Every HTTP request of the gateway, forwarded
/// acts and lifecycle events alike, goes through them and their keep-alive connections.
/// Call `shutdown()` before letting it go.
public final class CurlClient: HTTPPoster {
    /// One thread is where forwarding tops out first (docs/BENCHMARKS.md); more spread the
    /// work, each with its own keep-alive connections.
    private let lanes: [CurlLane]

    /// `upstream-max-connections` unless set.
    public static let defaultMaxConnections = 64
    /// `upstream-max-streams` unless set: what nginx and most HTTP/2 servers allow at once.
    public static let defaultMaxStreams = 100
    /// The gauge of requests that wait for a connection: queued behind the cap, or connecting.
    public static let waitingForConnectionLabel = "gtcp_upstream_waiting_for_connection"

    /// `threads` libcurl threads (at least one), each with its own multi handle and its share of
    /// `maxConnections` to each host, at least one; requests beyond a share wait for a connection
    /// of their thread, within their own timeout. An HTTP/2 connection carries up to `maxStreams`
    /// requests at once.
    public init(
        threads: Int = 1,
        maxConnections: Int = defaultMaxConnections,
        maxStreams: Int = defaultMaxStreams,
        metrics: any MetricsFactory = MetricsSystem.factory,
        logger: Logger
    ) throws {
        guard curlGlobalInit == CURLE_OK else {
            throw CurlUpstreamError(
                description: "libcurl failed to initialise: \(CurlCompletion.describe(curlGlobalInit))")
        }
        let threads = max(threads, 1)
        let waitingForConnection = Meter(label: Self.waitingForConnectionLabel, dimensions: [], factory: metrics)
        var lanes: [CurlLane] = []
        do {
            for index in 0..<threads {
                // The shares add up to the cap: the first lanes take the remainder.
                let share = maxConnections / threads + (index < maxConnections % threads ? 1 : 0)
                lanes.append(
                    try CurlLane(
                        threadName: "gtcp-curl-\(index)", maxHostConnections: max(share, 1), maxStreams: maxStreams,
                        waitingForConnection: waitingForConnection, logger: logger))
            }
        } catch {
            // Those already running have nothing to do and stop at once.
            let started = lanes
            Task { for lane in started { await lane.shutdown() } }
            throw error
        }
        self.lanes = lanes
    }

    public func post(_ post: HTTPPost, completion: @escaping @Sendable (HTTPPostResult) -> Void) {
        // Posts are lifecycle events; one thread keeps them in the order they were made.
        if !lanes[0].enqueue(.post(QueuedPost(post: post, completion: completion, enqueuedAt: .now))) {
            completion(.failed("gateway is shutting down"))
        }
    }

    /// False once shutdown has begun: the caller completes the work itself, on its own thread.
    /// A connection's requests all go through one thread, so they reach the upstream in the
    /// order they were sent and over the same keep-alive connections.
    func enqueue(_ request: QueuedUpstreamRequest) -> Bool {
        lanes[Int(request.request.connectionID % UInt64(lanes.count))].enqueue(.forward(request))
    }

    /// Why this libcurl cannot serve `version`, or nil when it can.
    public static func unsupportedReason(_ version: UpstreamHTTPVersion) -> String? {
        let info = curl_version_info(CURLVERSION_ELEVENTH).pointee
        // Before 7.89.0 a request on a reused h2c connection fails in the HTTP/2 framing layer
        // (curl/curl#10634), so only the first request of each connection would get through.
        guard version == .http2PriorKnowledge, info.version_num < 0x07_59_00 else { return nil }
        return "needs libcurl 7.89.0 or later, which can reuse an h2c connection; this is \(String(cString: info.version))"
    }

    /// Requests accepted and not yet completed.
    public var inFlightCount: Int {
        lanes.reduce(0) { $0 + $1.inFlightCount }
    }

    /// Refuses new requests, lets the accepted ones finish, frees curl and joins the threads.
    public func shutdown() async {
        await withTaskGroup(of: Void.self) { group in
            for lane in lanes {
                group.addTask { await lane.shutdown() }
            }
        }
    }
}

/// Not thread-safe in libcurl before 7.84, so done once, before the first handle, by Swift's
/// lazy global initialisation.
private let curlGlobalInit = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
