import CCurl
import CurlShim
import GatewayUpstream

/// One `HTTPPost` on its way through curl. Confined to the loop thread, like `CurlTransfer`;
/// only the status of the answer matters, so its body is read and dropped.
final class CurlPostTransfer {
    let post: HTTPPost
    let completion: @Sendable (HTTPPostResult) -> Void
    let startedAt: ContinuousClock.Instant
    private var headerList: UnsafeMutablePointer<curl_slist>?

    init(_ queued: QueuedPost) {
        self.post = queued.post
        self.completion = queued.completion
        self.startedAt = queued.enqueuedAt
    }

    deinit {
        curl_slist_free_all(headerList)
    }

    func configure(_ easy: UnsafeMutableRawPointer) throws(CurlSetupError) {
        let contentType = try CurlTransfer.append("Content-Type: \(post.contentType)", to: nil)
        // A bare "Expect:" removes curl's 100-continue wait on larger bodies.
        headerList = try CurlTransfer.append("Expect:", to: contentType)
        // Without a write function curl would copy the body to standard output.
        try CurlRequestOptions.apply(
            to: easy, url: post.url, method: .post, body: post.body, timeout: post.timeout,
            connectTimeout: post.connectTimeout, transport: transport, headers: headerList,
            receiveBody: discardBody, receiveHeader: nil, connected: nil, context: nil)
    }

    func result(code: CURLcode, status: Int) -> HTTPPostResult {
        code == CURLE_OK ? .answered(status: status) : .failed(CurlCompletion.describe(code, trusting: transport))
    }

    /// HTTP/1.1 over TCP: the URL may name another host than the upstream's, but the CA file holds.
    private var transport: UpstreamTransport {
        UpstreamTransport(caFile: post.caFile)
    }
}

private let discardBody: curl_write_callback = { _, size, count, _ in size * count }
