import Foundation
@testable import GatewayBench
import SettingsText
import Testing

@Suite("Report formats")
struct ReportFormatTests {
    @Test("the JSON report parses back, with every figure")
    func jsonRoundTrip() async throws {
        let floor = try await FloorServer.start(host: "127.0.0.1", port: 0)
        var report = try await LoadRunner(
            configuration: LoadConfiguration(target: HostPort(host: "127.0.0.1", port: floor.localAddress.port!), connections: 2, outstanding: 2, count: 20)
        ).run()
        await floor.close()
        report.label = "hello-floor-r1"

        let json = try BenchJSON.encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "load")
        #expect(object["messagesPerSecond"] is Double)
        let decoded = try BenchJSON.decode(LoadReport.self, from: Data(json.utf8))
        #expect(decoded.counters == report.counters)
        #expect(decoded.latencyMicroseconds == report.latencyMicroseconds)
        #expect(decoded.label == "hello-floor-r1")
    }

    @Test("the table shows throughput, counts and percentiles")
    func table() {
        var counters = LoadCounters()
        counters.sent = 1_234_567
        counters.replies = 1_234_560
        counters.lost = 7
        let report = LoadReport(
            target: "127.0.0.1:8999", act: "hello", connections: 64, connected: 64, connectFailures: 0, outstanding: 8,
            seconds: 5, counters: counters, messagesPerSecond: 246_912,
            latencyMicroseconds: LatencySummary(p50: 100, p90: 200, p99: 300, p999: 400, max: 500, mean: 150)
        )
        let table = report.table
        #expect(table.contains("246,912"))
        #expect(table.contains("1,234,567"))
        #expect(table.contains("p99.9 us"))
        #expect(table.contains("7 lost"))
    }
}
