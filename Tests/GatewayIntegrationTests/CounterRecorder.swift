import Metrics
import NIOConcurrencyHelpers
import Synchronization

/// Keeps what each counter counted, by label and dimensions; other metrics go nowhere.
final class CounterRecorder: MetricsFactory {
    private let counters = NIOLockedValueBox<[String: RecordedCounter]>([:])

    func value(_ label: String, _ dimensions: [(String, String)] = []) -> Int64 {
        counters.withLockedValue { $0[Self.key(label, dimensions)]?.total.load(ordering: .relaxed) ?? 0 }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        counters.withLockedValue { counters in
            let key = Self.key(label, dimensions)
            if let counter = counters[key] {
                return counter
            }
            let counter = RecordedCounter()
            counters[key] = counter
            return counter
        }
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        NOOPMetricsHandler.instance
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        NOOPMetricsHandler.instance
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        ([label] + dimensions.map { "\($0)=\($1)" }).joined(separator: ",")
    }
}

final class RecordedCounter: CounterHandler {
    let total = Atomic<Int64>(0)

    func increment(by amount: Int64) {
        total.add(amount, ordering: .relaxed)
    }

    func reset() {
        total.store(0, ordering: .relaxed)
    }
}
