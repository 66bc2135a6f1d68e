/// Which HTTP the gateway speaks to the upstream.
public enum UpstreamHTTPVersion: String, Sendable, CaseIterable {
    /// One request at a time on each connection.
    case http1_1 = "1.1"
    /// HTTP/2 where TLS (ALPN) agrees on it, else HTTP/1.1; plain http:// stays HTTP/1.1.
    case http2 = "2"
    /// HTTP/2 from the first byte, without asking (h2c on http://): only for a backend known to speak it.
    case http2PriorKnowledge = "2-prior-knowledge"

    /// Whether many requests may share one connection.
    public var multiplexes: Bool { self != .http1_1 }
}

/// How requests reach the upstream, below HTTP's methods and headers.
public struct UpstreamTransport: Sendable, Equatable {
    public var httpVersion: UpstreamHTTPVersion
    /// Connect to this Unix domain socket instead of the URL's host and port; the URL still
    /// gives the Host header, the path and, for https://, the name the certificate must carry.
    public var unixSocketPath: String?
    /// PEM CA bundle an https:// upstream's certificate must chain to, instead of the system's.
    public var caFile: String?

    public init(httpVersion: UpstreamHTTPVersion = .http1_1, unixSocketPath: String? = nil, caFile: String? = nil) {
        self.httpVersion = httpVersion
        self.unixSocketPath = unixSocketPath
        self.caFile = caFile
    }

    /// The longest socket path the kernel takes (sun_path less its terminating NUL).
    public static let maxUnixSocketPathBytes = 107
}
