/// Where connection lifecycle events are POSTed, and how; replaced as a whole on reload.
public struct EventsConfiguration: Sendable, Equatable {
    public var url: String
    /// Each POST, connecting included.
    public var timeout: Duration
    /// Admit a new client only once the receiver answers its `connected` event with a 2xx.
    public var connectHook: Bool

    public init(url: String, timeout: Duration = .seconds(5), connectHook: Bool = false) {
        self.url = url
        self.timeout = timeout
        self.connectHook = connectHook
    }
}
