import Foundation
@testable import GatewayAdmin
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

@Suite struct MetricsHistoryTests {
    @Test func ringKeepsTheLastCapacityElementsOldestFirst() {
        var ring = Ring<Int>(capacity: 3)
        #expect(ring.elements == [])
        ring.append(1)
        ring.append(2)
        #expect(ring.elements == [1, 2])
        for value in 3...7 {
            ring.append(value)
        }
        #expect(ring.elements == [5, 6, 7])
    }

    @Test func readingTakesTheGatewaysSeriesFromItsExposition() {
        let registry = PrometheusCollectorRegistry()
        registry.makeGauge(name: "gtcp_connections_open").set(Double(3))
        registry.makeCounter(name: "gtcp_connections_accepted_total").increment(by: Int64(5))
        registry.makeCounter(name: "gtcp_connections_closed_total", labels: [("reason", "client_closed")]).increment(by: Int64(2))
        registry.makeCounter(name: "gtcp_packets_in_total").increment(by: Int64(40))
        registry.makeCounter(name: "gtcp_packets_out_total").increment(by: Int64(30))
        registry.makeCounter(name: "gtcp_upstream_requests_total", labels: [("outcome", "reply")]).increment(by: Int64(7))
        registry.makeCounter(name: "gtcp_upstream_requests_total", labels: [("outcome", "failed")]).increment(by: Int64(1))
        registry.makeCounter(name: "gtcp_framing_errors_total").increment(by: Int64(4))
        registry.makeCounter(name: "gtcp_events_dropped_total", labels: [("reason", "queue_full")]).increment(by: Int64(2))
        registry.makeCounter(name: "gtcp_events_dropped_total", labels: [("reason", "failed")]).increment(by: Int64(1))
        let latency = registry.makeDurationHistogram(
            name: "gtcp_upstream_request_duration_seconds",
            labels: [],
            buckets: [.milliseconds(10), .milliseconds(100)]
        )
        latency.record(.milliseconds(5))
        latency.record(.milliseconds(50))
        latency.record(.seconds(2))

        let reading = MetricsReading(exposition: registry.emitToBuffer())

        #expect(reading.connectionsOpen == 3)
        #expect(reading.connectionsAccepted == 5)
        #expect(reading.connectionsClosed == ["client_closed": 2])
        #expect(reading.packetsIn == 40)
        #expect(reading.packetsOut == 30)
        #expect(reading.forwarded == 8)
        #expect(reading.errors == [.upstreamFailed: 1, .framing: 4, .eventsDropped: 3])
        #expect(
            reading.upstreamLatencyBuckets == [
                .init(upperBound: 0.01, count: 1), .init(upperBound: 0.1, count: 2), .init(upperBound: .infinity, count: 3),
            ]
        )
    }

    @Test func sampleIsWhatHappenedBetweenTwoReadings() {
        var before = MetricsReading()
        before.packetsIn = 10
        before.forwarded = 4
        before.errors = [.decode: 1]
        before.upstreamLatencyBuckets = [.init(upperBound: 0.01, count: 4), .init(upperBound: .infinity, count: 4)]
        var after = before
        after.connectionsOpen = 2
        after.packetsIn = 25
        after.packetsOut = 3
        after.forwarded = 104
        after.errors = [.decode: 3, .rejected: 1]
        after.upstreamLatencyBuckets = [
            .init(upperBound: 0.01, count: 54), .init(upperBound: 0.02, count: 104), .init(upperBound: .infinity, count: 104),
        ]

        let sample = HistorySample(from: before, to: after)

        #expect(sample.connectionsOpen == 2)
        #expect(sample.packetsIn == 15)
        #expect(sample.packetsOut == 3)
        #expect(sample.forwarded == 100)
        #expect(sample.errors[.decode] == 2)
        #expect(sample.errors[.rejected] == 1)
        #expect(sample.errors[.framing] == 0)
        // The bucket layouts differ (a bound was added), so no quantile is claimed.
        #expect(sample.upstreamP50Ms == nil)
    }

    @Test func quantilesInterpolateWithinTheBucketHoldingTheRank() throws {
        let buckets: [MetricsReading.LatencyBucket] = [
            .init(upperBound: 0.01, count: 50), .init(upperBound: 0.02, count: 100), .init(upperBound: .infinity, count: 100),
        ]
        #expect(HistorySample.quantileMilliseconds(0.5, of: buckets) == 10)
        let p99 = try #require(HistorySample.quantileMilliseconds(0.99, of: buckets))
        #expect(abs(p99 - 19.8) < 1e-9)
        // A rank past the last finite bound is reported as that bound.
        let slow: [MetricsReading.LatencyBucket] = [.init(upperBound: 0.01, count: 0), .init(upperBound: .infinity, count: 3)]
        #expect(HistorySample.quantileMilliseconds(0.5, of: slow) == 10)
        #expect(HistorySample.quantileMilliseconds(0.5, of: [.init(upperBound: .infinity, count: 0)]) == nil)
    }

    @Test func firstReadingIsABaselineAndTheHistoryKeepsItsCapacity() {
        let history = MetricsHistory(capacity: 3)
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        for second in 0...5 {
            var reading = MetricsReading()
            reading.packetsIn = Double(second * second)
            reading.connectionsOpen = Double(second)
            history.record(reading, at: start + Double(second))
        }
        let json = history.json
        // Six readings make five intervals, of which the last three are kept.
        #expect(json.packetsIn == [5, 7, 9])
        #expect(json.connectionsOpen == [3, 4, 5])
        #expect(json.end == "2023-11-14T22:13:25.000Z")
    }

    @Test func historyEndpointAnswersTheFiguresAsArrays() async throws {
        let history = MetricsHistory()
        var reading = MetricsReading()
        history.record(reading, at: Date(timeIntervalSince1970: 0))
        reading.connectionsOpen = 1
        reading.connectionsAccepted = 1
        reading.packetsIn = 2
        reading.upstreamLatencyBuckets = [.init(upperBound: .infinity, count: 0)]
        history.record(reading, at: Date(timeIntervalSince1970: 1))
        try await withAdminRouter(history: history) { client in
            let response = try await client.execute(uri: "/history", method: .get)
            let object = try response.okJSONObject()
            #expect(object["intervalSeconds"] as? Int == 1)
            #expect(object["end"] as? String == "1970-01-01T00:00:01.000Z")
            #expect(object["connectionsOpen"] as? [Int] == [1])
            #expect(object["packetsIn"] as? [Int] == [2])
            #expect(object["upstreamP50Ms"] as? [NSNull] == [NSNull()])
            #expect(object["connectionsAccepted"] as? Int == 1)
            let errors = try #require(object["errors"] as? [String: [Int]])
            #expect(Set(errors.keys) == Set(MetricsReading.ErrorKind.allCases.map(\.rawValue)))

            let refused = try await client.execute(uri: "/history?since=1", method: .get)
            #expect(refused.status == .badRequest)
        }
    }
}
