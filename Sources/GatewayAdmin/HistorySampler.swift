import Foundation
import Prometheus
import ServiceLifecycle

/// Reads the gateway's metrics once an interval into its history: one timer for the whole
/// gateway, none per connection.
struct HistorySampler: Service {
    let history: MetricsHistory
    let metrics: PrometheusCollectorRegistry

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            let clock = ContinuousClock()
            var deadline = clock.now
            while true {
                self.history.record(MetricsReading(exposition: self.metrics.emitToBuffer()), at: Date())
                // A fixed rate however long a reading takes, so samples stay one interval apart.
                deadline += MetricsHistory.interval
                try await clock.sleep(until: deadline)
            }
        }
    }
}
