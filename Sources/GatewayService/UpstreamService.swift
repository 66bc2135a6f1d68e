import GatewayUpstream
import ServiceLifecycle

/// Keeps the upstream running while the gateway runs; on shutdown lets in-flight requests
/// finish and stops its thread.
struct UpstreamService: Service {
    let upstream: CurlUpstream

    func run() async throws {
        try? await gracefulShutdown()
        await upstream.shutdown()
    }
}
