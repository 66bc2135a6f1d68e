import Hummingbird
import Prometheus

/// The gateway's metrics in the Prometheus text format.
struct MetricsRoute<Context: RequestContext> {
    let registry: PrometheusCollectorRegistry

    func register(on router: Router<Context>) {
        router.only(.get, "/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: self.registry.emitToBuffer()))
            )
        }
    }
}
