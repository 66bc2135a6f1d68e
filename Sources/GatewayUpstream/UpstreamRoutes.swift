/// Which acts a route takes: one act exactly (`order.create`), or every act that starts with a
/// prefix (`order.*`; a lone `*` takes every act).
public enum ActPattern: Sendable, Equatable, CustomStringConvertible {
    case exact(String)
    /// The text before the `*`.
    case prefix(String)

    /// A trailing `*` makes a prefix; the caller checks the rest is an act name.
    public init(_ text: String) {
        self = text.hasSuffix("*") ? .prefix(String(text.dropLast())) : .exact(text)
    }

    public func matches(_ act: String) -> Bool {
        switch self {
        case .exact(let name): act == name
        case .prefix(let prefix): act.hasPrefix(prefix)
        }
    }

    public var description: String {
        switch self {
        case .exact(let name): name
        case .prefix(let prefix): prefix + "*"
        }
    }
}

/// The HTTP methods a route may use. GET and DELETE send no body: Data, when not empty, goes in
/// the query string as `data=` (percent-encoded UTF-8); the others send Data as the body.
public enum UpstreamMethod: String, Sendable, CaseIterable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
    case delete = "DELETE"

    public var sendsBody: Bool {
        switch self {
        case .get, .delete: false
        case .post, .put, .patch: true
        }
    }
}

/// Where the acts matching one pattern go, instead of the `upstream` URL.
public struct UpstreamRoute: Sendable, Equatable {
    public var act: ActPattern
    /// May contain `{act}`, replaced by the packet's act.
    public var urlTemplate: String
    public var method: UpstreamMethod
    /// nil: the upstream's own timeout.
    public var timeout: Duration?
    /// Sent after the upstream's extra headers, replacing any of the same name.
    public var headers: [UpstreamHeader]
    /// Only an idempotent route's requests are retried, and only after a failure before any
    /// byte was sent (connection refused, connect timeout, host not found).
    public var idempotent: Bool
    /// Attempts after the first, for an idempotent route.
    public var retries: Int
    /// nil: the upstream's own (`upstream-unix-socket`), if any.
    public var unixSocketPath: String?

    public static let defaultRetries = 2

    public init(
        act: ActPattern,
        urlTemplate: String,
        method: UpstreamMethod = .post,
        timeout: Duration? = nil,
        headers: [UpstreamHeader] = [],
        idempotent: Bool = false,
        retries: Int = UpstreamRoute.defaultRetries,
        unixSocketPath: String? = nil
    ) {
        self.act = act
        self.urlTemplate = urlTemplate
        self.method = method
        self.timeout = timeout
        self.headers = headers
        self.idempotent = idempotent
        self.retries = retries
        self.unixSocketPath = unixSocketPath
    }
}

/// Routes in the order they were written; the first that matches an act wins.
public struct UpstreamRoutes: Sendable, Equatable {
    public var routes: [UpstreamRoute]

    public init(_ routes: [UpstreamRoute] = []) {
        self.routes = routes
    }

    public var isEmpty: Bool { routes.isEmpty }

    public func match(_ act: String) -> UpstreamRoute? {
        routes.first { $0.act.matches(act) }
    }
}
