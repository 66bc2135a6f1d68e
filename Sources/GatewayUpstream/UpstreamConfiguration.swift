/// An extra header sent with every upstream request, e.g. an API key.
public struct UpstreamHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public struct UpstreamConfiguration: Sendable, Equatable {
    /// Where each act no route takes is POSTed: `{act}` is replaced by the act name. nil: only
    /// the acts a route takes go upstream.
    public var urlTemplate: String?
    /// Tried before `urlTemplate`; the first route matching the act wins.
    public var routes: UpstreamRoutes
    public var headers: [UpstreamHeader]
    /// The whole request, connection included.
    public var timeout: Duration
    public var connectTimeout: Duration
    /// A response body above this aborts the transfer.
    public var maxResponseBytes: Int
    /// A route's Unix socket, when it has one, replaces this one's.
    public var transport: UpstreamTransport

    public init(
        urlTemplate: String?,
        routes: UpstreamRoutes = UpstreamRoutes(),
        headers: [UpstreamHeader] = [],
        timeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(2),
        maxResponseBytes: Int = 0xFFFF,
        transport: UpstreamTransport = UpstreamTransport()
    ) {
        self.urlTemplate = urlTemplate
        self.routes = routes
        self.headers = headers
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
        self.transport = transport
    }

    /// nil when `template` can serve as `urlTemplate` (or, not requiring `{act}`, as a route's),
    /// else why not.
    public static func validateTemplate(_ template: String, requiringAct: Bool = true) -> String? {
        let lowercased = template.lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lowercased.hasPrefix($0) }) else {
            return "upstream URL must start with http:// or https://, got \"\(template)\""
        }
        if template.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            return "upstream URL must not contain spaces or control characters, got \"\(template)\""
        }
        let afterScheme = template.dropFirst(scheme.count)
        if afterScheme.isEmpty || afterScheme.hasPrefix("/") {
            return "upstream URL has no host, got \"\(template)\""
        }
        if requiringAct && !template.contains(Self.actPlaceholder) {
            return "upstream URL must contain {act}, got \"\(template)\""
        }
        return nil
    }

    static let actPlaceholder = "{act}"
}
