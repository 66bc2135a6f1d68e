import Foundation
import GatewayBench
import Testing

@Suite("Suite report")
struct SuiteReportTests {
    @Test("targets are checked as ratios of runs of the same suite")
    func checks() throws {
        var results = SuiteResults()
        try results.add(json: json(load("hello-floor-r1", rate: 100_000, p99: 300)), name: "a")
        try results.add(json: json(load("hello-floor-r2", rate: 110_000, p99: 300)), name: "b")
        try results.add(json: json(load("hello-gateway-r1", rate: 85_000, p99: 330)), name: "c")
        try results.add(json: json(load("admin-base-r1", rate: 80_000, p99: 400)), name: "d")
        try results.add(json: json(load("admin-base-r2", rate: 80_000, p99: 500)), name: "d2")
        try results.add(json: json(load("admin-paging-r1", rate: 80_000, p99: 480, pages: 40)), name: "e")
        try results.add(json: json(load("admin-paging-r2", rate: 80_000, p99: 700, pages: 40)), name: "e2")
        try results.add(json: Data(#"{"kind":"unknown"}"#.utf8), name: "f")

        let checks = SuiteReport(results: results).checks
        try #require(checks.count == 2)
        #expect(checks[0].figure == "85,000 vs 110,000 msg/s = 77.3%")
        #expect(checks[0].met == false)
        #expect(checks[1].figure.contains("+20.0%"))
        #expect(checks[1].met == false)

        let markdown = SuiteReport(results: results).markdown
        #expect(markdown.contains("| **no** |"))
        #expect(markdown.contains("![latency.svg](bench/latency.svg)"))
    }

    @Test("the sweep becomes the throughput chart")
    func sweepChart() throws {
        var results = SuiteResults()
        for (count, rate) in [(1, 10_000.0), (16, 90_000), (64, 120_000)] {
            try results.add(json: json(load("sweep-gateway-c\(count)", rate: rate, p99: 100)), name: "x")
        }
        let charts = SuiteReport(results: results).charts
        let throughput = try #require(charts.first { $0.name == "throughput.svg" })
        #expect(try parse(throughput.svg).filter { $0 == "circle" }.count == 3)
    }

    private func load(_ label: String, rate: Double, p99: Double, pages: Int? = nil) -> LoadReport {
        var counters = LoadCounters()
        counters.sent = 1000
        counters.replies = 1000
        var report = LoadReport(
            target: "127.0.0.1:1", act: "hello", connections: 64, connected: 64, connectFailures: 0, outstanding: 8,
            seconds: 1, counters: counters, messagesPerSecond: rate,
            latencyMicroseconds: LatencySummary(p50: p99 / 3, p90: p99 / 2, p99: p99, p999: p99 * 2, max: p99 * 10, mean: p99 / 3)
        )
        report.label = label
        report.admin = pages.map {
            AdminPagingReport(sweeps: 2, pages: $0, connectionsListed: $0 * 1000, pageLatencyMicroseconds: report.latencyMicroseconds)
        }
        return report
    }

    private func json(_ report: LoadReport) throws -> Data {
        Data(try BenchJSON.encode(report).utf8)
    }
}
