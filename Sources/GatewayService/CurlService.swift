import GatewayCurl
import GatewayUpstream
import ServiceLifecycle

/// Keeps libcurl's thread running while the gateway runs; on shutdown lets in-flight requests
/// and event POSTs finish and stops the thread.
struct CurlService: Service {
    let client: CurlClient

    func run() async throws {
        try? await gracefulShutdown()
        await client.shutdown()
    }
}
