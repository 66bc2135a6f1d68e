import Foundation
@testable import GatewayBench
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

    @Test("forwarding is set beside wrk to nginx: direct, through an nginx proxy, and paced to the half rate")
    func forwarding() throws {
        var results = SuiteResults()
        var peak = load("forward-http1-k8", rate: 40_000, p99: 6_000)
        peak.server = ServerCost(pid: 1, cpuSeconds: 8, cpuMicrosecondsPerReply: 25, residentKiBAfter: 1)
        try results.add(json: json(peak), name: "a")
        try results.add(json: json(load("forward-http1-c50", rate: 36_000, p99: 2_000)), name: "a50")
        for (round, p99) in [(1, 3_000.0), (2, 4_500)] {
            var half = load("forward-gateway-half-r\(round)", rate: 20_000, p99: p99)
            half.rate = 20_000
            half.server = ServerCost(pid: 1, cpuSeconds: 8, cpuMicrosecondsPerReply: 40 + Double(round), residentKiBAfter: 1)
            try results.add(json: json(half), name: "b\(round)")
        }
        try results.add(json: wrk("forward-direct-c128", connections: 128, rate: 100_000, p99: 6_000), name: "c")
        try results.add(json: wrk("forward-proxy-c128", connections: 128, rate: 45_000, p99: 7_000), name: "d")
        try results.add(json: wrk("forward-direct-c50", connections: 50, rate: 70_000, p99: 1_000), name: "c50")
        try results.add(json: wrk("forward-proxy-c50", connections: 50, rate: 30_000, p99: 2_000), name: "d50")
        try results.add(json: wrk("forward-direct-half-r1", connections: 128, rate: 19_990, p99: 1_400, offered: 20_000), name: "e1")
        try results.add(json: wrk("forward-direct-half-r2", connections: 128, rate: 19_990, p99: 1_200, offered: 20_000), name: "e2")
        try results.add(json: wrk("forward-proxy-half-r1", connections: 128, rate: 19_980, p99: 2_100, offered: 20_000), name: "f1")
        try results.add(json: wrk("forward-proxy-half-r2", connections: 128, rate: 19_980, p99: 2_500, offered: 20_000), name: "f2")

        let report = SuiteReport(results: results)
        let checks = report.checks
        try #require(checks.count == 4)
        #expect(checks[0].scenario.contains("HTTP/1.1 keep-alive, 50 connections, 1 outstanding each"))
        #expect(checks[0].figure == "36,000 msg/s; proxy 30,000 = 120.0%; direct 70,000 = 51.4%")
        #expect(checks[0].met == true)
        #expect(checks[1].scenario.contains("16 connections, 8 pipelined each"))
        #expect(checks[1].scenario.contains("(wrk: 128 connections)"))
        #expect(checks[1].figure == "40,000 msg/s; proxy 45,000 = 88.9%; direct 100,000 = 40.0%")
        #expect(checks[1].met == false)
        #expect(checks[2].scenario.contains(
            "20,000 msg/s offered; direct: wrk, 128 connections, 20,000 req/s offered; lowest p99 of rounds"))
        #expect(checks[2].figure == "1.80 ms (p99 3.00 ms through the gateway at 20,000 msg/s - p99 1.20 ms direct at 19,990 msg/s); "
            + "gateway CPU per message 41.0 us at half rate, 25.0 us at peak")
        #expect(checks[2].met == false)
        #expect(checks[3].scenario.contains("p99 added by nginx as a reverse proxy at the same rate"))
        #expect(checks[3].figure == "0.90 ms (p99 2.10 ms through the proxy at 19,980 msg/s - p99 1.20 ms direct)")
        #expect(checks[3].met == nil)

        let markdown = report.markdown
        #expect(markdown.contains("| reference | - |"))
        #expect(markdown.contains("| forward-direct-half-r2 | 128 | 20,000 | 19,990 | 0 |"))
        #expect(markdown.contains("| forward-proxy-c128 | 128 | - | 45,000 | 0 |"))
        let latency = try #require(report.charts.first { $0.name == "latency.svg" })
        #expect(latency.svg.contains("wrk to nginx, half rate"))
        #expect(latency.svg.contains("wrk via nginx proxy, peak"))
        #expect(latency.svg.contains("wrk via nginx proxy, half rate"))
    }

    @Test("idle targets: 3 KiB per connection, and CPU at most the Go peer's at the same load, lowest of rounds each")
    func idleTargets() throws {
        var results = SuiteResults()
        try results.add(json: idle("idle-gateway-r1", opened: 19_000, bytesPerConnection: 2_990, cpuPercent: 7.57), name: "x")
        try results.add(json: idle("idle-gateway-r2", opened: 19_000, bytesPerConnection: 2_990, cpuPercent: 6.40), name: "x")
        var checks = SuiteReport(results: results).checks
        try #require(checks.count == 2)
        #expect(checks[0].figure.hasPrefix("2.92 KiB at 19,000 connections"))
        #expect(checks[0].target == "<= 3 KiB")
        #expect(checks[0].met == true)
        #expect(checks[1].figure == "6.40% of one core over 60 s")
        #expect(checks[1].target == "<= the Go peer's (no run of it at the same load)")
        #expect(checks[1].met == nil)

        try results.add(json: idle("idle-peer-r1", opened: 19_000, bytesPerConnection: 11_339, cpuPercent: 12.9), name: "x")
        try results.add(json: idle("idle-peer-r2", opened: 19_000, bytesPerConnection: 11_339, cpuPercent: 10.73), name: "x")
        checks = SuiteReport(results: results).checks
        try #require(checks.count == 3)
        #expect(checks[1].target == "<= the Go peer's (next row): 10.73%")
        #expect(checks[1].met == true)
        #expect(checks[2].figure == "10.73% of one core over 60 s; 11.07 KiB per connection")
        #expect(checks[2].met == nil)
        let markdown = SuiteReport(results: results).markdown
        #expect(markdown.contains("idle-gateway-r2: idle connections to 127.0.0.1:1"))
        #expect(markdown.contains("idle-peer-r2: idle connections to 127.0.0.1:1"))
        #expect(!markdown.contains("idle-gateway-r1: idle connections"))

        // A leaner peer: not met. A peer at a lighter load is no bar.
        try results.add(json: idle("idle-peer-r3", opened: 19_000, bytesPerConnection: 11_339, cpuPercent: 5.0), name: "x")
        #expect(SuiteReport(results: results).checks[1].met == false)
        try results.add(json: idle("idle-peer-r3", opened: 2_000, bytesPerConnection: 11_339, cpuPercent: 1.0), name: "x")
        #expect(SuiteReport(results: results).checks[1].met == nil)
    }

    @Test("pushes through a cluster's two nodes are a reference row, with their command")
    func clusterPushes() throws {
        var results = SuiteResults()
        let line = #"{"kind": "push", "label": "cluster-push", "command": "scripts/run-cluster.sh gtcp-gateway x", "count": 300, "#
            + #""sameNodeMicroseconds": {"p50": 310.2, "p90": 400.0, "p99": 820.5, "p999": 900.0, "max": 950.0, "mean": 330.0}, "#
            + #""crossNodeMicroseconds": {"p50": 1450.0, "p90": 2000.0, "p99": 3120.9, "p999": 3300.0, "max": 3400.0, "mean": 1500.0}}"#
        try results.add(json: Data(line.utf8), name: "cluster-push")
        let report = SuiteReport(results: results)
        let check = try #require(report.checks.first)
        #expect(check.scenario.hasPrefix("5. push to a client of a two-node cluster"))
        #expect(check.figure == "p50 / p99: 0.31 ms / 0.82 ms through its own node, 1.45 ms / 3.12 ms through the other")
        #expect(check.met == nil)
        #expect(report.markdown.contains("scripts/run-cluster.sh gtcp-gateway x"))
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

    /// A wrk run as scripts/bench-wrk-post.lua prints it.
    private func wrk(_ label: String, connections: Int, rate: Double, p99: Double, offered: Double? = nil) -> Data {
        let pacing = offered.map { #""rate":\#($0),"# } ?? ""
        let line = #"{"kind":"wrk","label":"\#(label)","connections":\#(connections),"threads":2,\#(pacing)"seconds":2.0,"#
            + #""requests":\#(Int(rate * 2)),"errors":0,"requestsPerSecond":\#(rate),"latencyMicroseconds":"#
            + #"{"p50":\#(p99 / 3),"p90":\#(p99 / 2),"p99":\#(p99),"p999":\#(p99 * 2),"max":\#(p99 * 10),"mean":\#(p99 / 3)}}"#
        return Data(line.utf8)
    }

    /// An idle run with a heartbeat every 5 s for 60 s, as `bench --idle --json` writes it.
    private func idle(_ label: String, opened: Int, bytesPerConnection: Double, cpuPercent: Double) -> Data {
        let sample = #"{"cpuSeconds":1,"residentKiB":1,"threads":1}"#
        let line = #"{"kind":"idle","label":"\#(label)","target":"127.0.0.1:1","connections":\#(opened),"opened":\#(opened),"#
            + #""connectFailures":0,"closedByServer":0,"heartbeatIntervalSeconds":5,"holdSeconds":60,"heartbeatsSent":1,"#
            + #""messagesReceived":0,"server":{"pid":1,"before":\#(sample),"afterConnecting":\#(sample),"#
            + #""afterHolding":\#(sample),"cpuPercentOfOneCore":\#(cpuPercent),"residentBytesPerConnection":\#(bytesPerConnection)}}"#
        return Data(line.utf8)
    }

    private func json(_ report: LoadReport) throws -> Data {
        Data(try BenchJSON.encode(report).utf8)
    }
}
