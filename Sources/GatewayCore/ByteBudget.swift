import CoreMetrics
import Synchronization

/// Bytes all connections hold for one purpose (output queued for clients that do not read,
/// packets not complete yet) against a gateway-wide cap. A connection reports its own figure
/// when it changes, one atomic add; whoever takes the total past the cap starts a shedding
/// (closing the connections that hold the most), one at a time.
final class ByteBudget: Sendable {
    let limit: Int
    private let held = Atomic<Int>(0)
    private let shedding = Atomic<Bool>(false)
    private let gauge: Meter

    init(limit: Int, gauge: Meter) {
        precondition(limit > 0)
        self.limit = limit
        self.gauge = gauge
    }

    var total: Int { held.load(ordering: .relaxed) }

    /// Bytes over the cap; 0 when within it.
    var excess: Int { max(total - limit, 0) }

    /// Adds `delta` to the total; true when it grew past the cap and no shedding is under way:
    /// the caller starts one, and calls `sheddingFinished()` when it is done.
    func change(by delta: Int) -> Bool {
        let total = held.wrappingAdd(delta, ordering: .relaxed).newValue
        // A meter moves by positive amounts only.
        if delta > 0 {
            gauge.increment(by: Double(delta))
        } else {
            gauge.decrement(by: Double(-delta))
        }
        return delta > 0 && total > limit && startShedding()
    }

    /// True when no shedding was under way: the caller sheds.
    func startShedding() -> Bool {
        shedding.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged
    }

    func sheddingFinished() {
        shedding.store(false, ordering: .relaxed)
    }
}

/// One connection's part of a `ByteBudget`: what it reported last.
struct ByteBudgetShare {
    private(set) var bytes = 0

    /// Reports `bytes` held now; true when the caller is to start a shedding (see `ByteBudget.change`).
    mutating func update(to bytes: Int, in budget: ByteBudget) -> Bool {
        guard bytes != self.bytes else { return false }
        defer { self.bytes = bytes }
        return budget.change(by: bytes - self.bytes)
    }
}
