import CCurl
import CurlShim
import GatewayUpstream

/// The options every request of the gateway sets on an easy handle, forwarded act or event post.
/// Handles are reused without `curl_easy_reset`, which would free and re-create all of curl's
/// defaults per request: the options that never vary are set once per handle, and every other
/// option any request uses is set on every request, so nothing of a handle's previous request
/// carries over.
enum CurlRequestOptions {
    /// For a handle fresh from `curl_easy_init`.
    static func applyFixed(to easy: UnsafeMutableRawPointer) throws(CurlSetupError) {
        try check(curl_shim_easy_setopt_pointer(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        try check(curl_shim_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        try check(curl_shim_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
        // curl's defaults, set anyway: no setting of the gateway turns verification off.
        try check(curl_shim_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1))
        try check(curl_shim_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2))
        try check(curl_shim_easy_setopt_pointer(easy, CURLOPT_USERAGENT, "gtcp-gateway"))
    }

    /// How the request travels. With HTTP/2 a new request waits for a connection that is still
    /// being set up and shares it, rather than opening one more.
    private static func apply(_ transport: UpstreamTransport, to easy: UnsafeMutableRawPointer) throws(CurlSetupError) {
        let version =
            switch transport.httpVersion {
            case .http1_1: CURL_HTTP_VERSION_1_1
            case .http2: CURL_HTTP_VERSION_2TLS
            case .http2PriorKnowledge: CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE
            }
        try check(curl_shim_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, version))
        try check(curl_shim_easy_setopt_long(easy, CURLOPT_PIPEWAIT, transport.httpVersion.multiplexes ? 1 : 0))
        try check(curl_shim_easy_setopt_pointer(easy, CURLOPT_UNIX_SOCKET_PATH, transport.unixSocketPath))
        // A CA file replaces the system's bundle and directory; without one both are curl's own.
        try check(curl_shim_easy_setopt_pointer(easy, CURLOPT_CAINFO, transport.caFile ?? builtInCA.file))
        try check(curl_shim_easy_setopt_pointer(easy, CURLOPT_CAPATH, transport.caFile == nil ? builtInCA.path : nil))
    }

    /// The CA bundle and directory libcurl was built to trust, to put back on a reused handle.
    private static let builtInCA: (file: String?, path: String?) = {
        // CURLVERSION_NOW of the header built against, a macro Swift does not import.
        let info = curl_version_info(CURLVERSION_ELEVENTH).pointee
        return (info.cainfo.map { String(cString: $0) }, info.capath.map { String(cString: $0) })
    }()

    /// `context` goes to every callback; without `receiveHeader` curl keeps the headers to itself;
    /// `connected` runs once the request has a connection, new or reused, before it is sent.
    static func apply(
        to easy: UnsafeMutableRawPointer,
        url: String,
        method: UpstreamMethod,
        body: String,
        timeout: Duration,
        connectTimeout: Duration,
        transport: UpstreamTransport,
        headers: UnsafeMutablePointer<curl_slist>?,
        receiveBody: curl_write_callback,
        receiveHeader: curl_write_callback?,
        connected: curl_prereq_callback?,
        context: UnsafeMutableRawPointer?
    ) throws(CurlSetupError) {
        try check(curl_shim_easy_setopt_pointer(easy, CURLOPT_URL, url))
        try check(curl_shim_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, timeout.roundedUpMilliseconds))
        try check(curl_shim_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, connectTimeout.roundedUpMilliseconds))
        try apply(transport, to: easy)

        if method.sendsBody {
            try check(curl_shim_easy_setopt_long(easy, CURLOPT_POST, 1))
            // The size first: COPYPOSTFIELDS copies exactly that many bytes, NULs included.
            try check(curl_shim_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.utf8.count)))
            try check(body.withCString { curl_shim_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, $0) })
        } else {
            try check(curl_shim_easy_setopt_long(easy, CURLOPT_HTTPGET, 1))
        }
        let customMethod = method == .post || method == .get ? nil : method.rawValue
        try check(curl_shim_easy_setopt_pointer(easy, CURLOPT_CUSTOMREQUEST, customMethod))

        try check(curl_shim_easy_setopt_pointer(easy, CURLOPT_HTTPHEADER, headers))
        try check(curl_shim_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION, receiveBody))
        try check(curl_shim_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        try check(curl_shim_easy_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION, receiveHeader))
        try check(curl_shim_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context))
        try check(curl_shim_easy_setopt_prereq_callback(easy, connected))
        try check(curl_shim_easy_setopt_pointer(easy, CURLOPT_PREREQDATA, context))
    }
}
