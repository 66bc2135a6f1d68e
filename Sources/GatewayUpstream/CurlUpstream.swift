import Logging
import Synchronization

/// The HTTP backend reached through libcurl, on a `CurlClient` of its own or one shared with
/// other senders. Call `shutdown()` before letting it go.
public final class CurlUpstream: Upstream {
    private let client: CurlClient
    private let configuration: Mutex<UpstreamConfiguration>

    /// An upstream with a libcurl thread of its own.
    public convenience init(configuration: UpstreamConfiguration, logger: Logger) throws {
        try Self.validate(configuration)
        try self.init(configuration: configuration, client: try CurlClient(logger: logger))
    }

    /// An upstream sharing `client`'s thread and keep-alive connections.
    public init(configuration: UpstreamConfiguration, client: CurlClient) throws {
        try Self.validate(configuration)
        self.client = client
        self.configuration = Mutex(configuration)
    }

    private static func validate(_ configuration: UpstreamConfiguration) throws {
        if let problem = UpstreamConfiguration.validateTemplate(configuration.urlTemplate) {
            throw CurlUpstreamError(description: problem)
        }
    }

    public func forward(_ request: UpstreamRequest, completion: @escaping @Sendable (UpstreamOutcome) -> Void) {
        let queued = QueuedUpstreamRequest(
            request: request, configuration: configuration.withLock { $0 }, completion: completion,
            enqueuedAt: .now)
        if !client.enqueue(.forward(queued)) {
            // The loop may be gone, so this one completion runs on the caller's thread.
            completion(.failed(status: nil, error: "gateway is shutting down"))
        }
    }

    /// Requests accepted from now on use `configuration`; those already accepted keep theirs.
    public func update(_ configuration: UpstreamConfiguration) {
        self.configuration.withLock { $0 = configuration }
    }

    /// Requests accepted by its client and not yet completed (a shared client's others included).
    public var inFlightCount: Int {
        client.inFlightCount
    }

    /// Shuts its client down, shared or not: refuses new requests, lets the accepted ones finish,
    /// frees curl and joins the thread.
    public func shutdown() async {
        await client.shutdown()
    }
}

public struct CurlUpstreamError: Error, CustomStringConvertible {
    public var description: String
}
