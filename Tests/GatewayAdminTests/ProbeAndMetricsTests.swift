import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

@Suite struct ProbeAndMetricsTests {
    @Test func healthIsAlwaysOk() async throws {
        let response = try await adminResponse(.get, "/healthz", ready: false)
        #expect(response.status == .ok)
        #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
    }

    @Test(arguments: [(true, HTTPResponse.Status.ok, #"{"status":"ready"}"#), (false, .serviceUnavailable, #"{"status":"not ready"}"#)])
    func readinessFollowsTheGateway(ready: Bool, status: HTTPResponse.Status, body: String) async throws {
        let response = try await adminResponse(.get, "/readyz", ready: ready)
        #expect(response.status == status)
        #expect(response.headers[.contentType] == "application/json")
        #expect(String(buffer: response.body) == body)
    }

    @Test func metricsRenderTheRegistryAsPrometheusText() async throws {
        let registry = PrometheusCollectorRegistry()
        let counter = registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "gtcp", metricName: "packets_in", unitName: "total", helpText: "Packets from clients."))
        try await withAdminRouter(metrics: registry) { client in
            counter.increment(by: Int64(3))
            let first = try await client.execute(uri: "/metrics", method: .get)
            #expect(first.status == .ok)
            #expect(first.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(String(buffer: first.body).contains("gtcp_packets_in_total 3\n"))
            counter.increment(by: Int64(2))
            let second = try await client.execute(uri: "/metrics", method: .get)
            #expect(String(buffer: second.body).contains("gtcp_packets_in_total 5\n"))
        }
    }
}
