import CCurl
import CurlShim

/// The options every request of the gateway sets on an easy handle, forwarded act or event post.
enum CurlRequestOptions {
    static func apply(
        to easy: UnsafeMutableRawPointer,
        url: String,
        method: UpstreamMethod,
        body: String,
        timeout: Duration,
        connectTimeout: Duration
    ) throws(CurlSetupError) {
        try check(curl_shim_easy_setopt_pointer(easy, CURLOPT_URL, url))
        try check(curl_shim_easy_setopt_pointer(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        try check(curl_shim_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        try check(curl_shim_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
        // HTTP/2 where TLS negotiates it; a libcurl without HTTP/2 simply keeps HTTP/1.1.
        _ = curl_shim_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        try check(curl_shim_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, timeout.roundedUpMilliseconds))
        try check(curl_shim_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, connectTimeout.roundedUpMilliseconds))
        try check(curl_shim_easy_setopt_pointer(easy, CURLOPT_USERAGENT, "gtcp-gateway"))

        if method.sendsBody {
            try check(curl_shim_easy_setopt_long(easy, CURLOPT_POST, 1))
            // The size first: COPYPOSTFIELDS copies exactly that many bytes, NULs included.
            try check(curl_shim_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.utf8.count)))
            try check(body.withCString { curl_shim_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, $0) })
        } else {
            try check(curl_shim_easy_setopt_long(easy, CURLOPT_HTTPGET, 1))
        }
        if method != .post && method != .get {
            try check(curl_shim_easy_setopt_pointer(easy, CURLOPT_CUSTOMREQUEST, method.rawValue))
        }
    }
}
