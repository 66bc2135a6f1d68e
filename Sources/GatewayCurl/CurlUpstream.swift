import GatewayUpstream
import Logging
import NIOConcurrencyHelpers

/// The HTTP backend reached through libcurl, on a `CurlClient` of its own or one shared with
/// other senders. Call `shutdown()` before letting it go.
public final class CurlUpstream: Upstream {
    private let client: CurlClient
    /// Read by every event loop per forwarded act; a pthread mutex, which ThreadSanitizer sees
    /// (see CurlRequestQueue).
    private let configuration: NIOLockedValueBox<UpstreamConfiguration>

    /// An upstream with a libcurl thread of its own.
    public convenience init(configuration: UpstreamConfiguration, logger: Logger) throws {
        try Self.validate(configuration)
        try self.init(configuration: configuration, client: try CurlClient(logger: logger))
    }

    /// An upstream sharing `client`'s thread and keep-alive connections.
    public init(configuration: UpstreamConfiguration, client: CurlClient) throws {
        try Self.validate(configuration)
        self.client = client
        self.configuration = NIOLockedValueBox(configuration)
    }

    private static func validate(_ configuration: UpstreamConfiguration) throws {
        let problems =
            [configuration.urlTemplate.flatMap { UpstreamConfiguration.validateTemplate($0) }]
            + configuration.routes.routes.map { UpstreamConfiguration.validateTemplate($0.urlTemplate, requiringAct: false) }
        if let problem = problems.lazy.compactMap({ $0 }).first {
            throw CurlUpstreamError(description: problem)
        }
    }

    public func forward(_ request: UpstreamRequest, completion: @escaping @Sendable (UpstreamOutcome) -> Void) {
        // The target is fixed now, from the configuration in force.
        guard let target = configuration.withLockedValue({ $0 }).target(for: request) else {
            // A reload removed the route since the caller asked `handles(act:)`.
            completion(.failed(status: nil, error: "no upstream configured for act \(request.act)"))
            return
        }
        let queued = QueuedUpstreamRequest(
            request: request, target: target, completion: completion, enqueuedAt: .now)
        if !client.enqueue(queued) {
            // The loop may be gone, so this one completion runs on the caller's thread.
            completion(.failed(status: nil, error: "gateway is shutting down"))
        }
    }

    public func handles(act: String) -> Bool {
        configuration.withLockedValue { $0.hasTarget(for: act) }
    }

    /// Requests accepted from now on use `configuration`; those already accepted keep theirs.
    public func update(_ configuration: UpstreamConfiguration) {
        self.configuration.withLockedValue { $0 = configuration }
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
