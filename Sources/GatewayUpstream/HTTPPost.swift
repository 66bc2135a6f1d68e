/// A ready body POSTed to a fixed URL: what the gateway sends besides forwarded acts (lifecycle
/// events). Unlike an act, it carries no connection headers and its reply body is not kept.
public struct HTTPPost: Sendable, Equatable {
    public var url: String
    public var body: String
    public var contentType: String
    /// The whole request, connection included.
    public var timeout: Duration
    public var connectTimeout: Duration
    /// PEM CA bundle an https:// receiver's certificate must chain to, instead of the system's.
    public var caFile: String?

    public init(
        url: String,
        body: String,
        contentType: String = "application/json",
        timeout: Duration = .seconds(5),
        connectTimeout: Duration = .seconds(2),
        caFile: String? = nil
    ) {
        self.url = url
        self.body = body
        self.contentType = contentType
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.caFile = caFile
    }
}

public enum HTTPPostResult: Sendable, Equatable {
    /// The receiver answered with this status, whatever it was.
    case answered(status: Int)
    /// No answer: "timed out after 5s", "connection refused", "host not found", ...
    case failed(String)
}

public protocol HTTPPoster: Sendable {
    /// Never blocks. `completion` runs exactly once, on any thread: usually the poster's own,
    /// but on the caller's thread, before `post` returns, when the poster is shutting down.
    func post(_ post: HTTPPost, completion: @escaping @Sendable (HTTPPostResult) -> Void)
}
