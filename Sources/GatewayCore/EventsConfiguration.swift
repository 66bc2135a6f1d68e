/// Where connection lifecycle events are POSTed, and how; replaced as a whole on reload.
public struct EventsConfiguration: Sendable, Equatable {
    public var url: String
    /// Each POST, connecting included.
    public var timeout: Duration
    /// Admit a new client only once the receiver answers its `connected` event with a 2xx.
    public var connectHook: Bool
    /// PEM CA bundle an https:// URL's certificate must chain to, instead of the system's: the
    /// upstream's, as the events usually go to the same backend.
    public var caFile: String?

    public init(url: String, timeout: Duration = .seconds(5), connectHook: Bool = false, caFile: String? = nil) {
        self.url = url
        self.timeout = timeout
        self.connectHook = connectHook
        self.caFile = caFile
    }
}
