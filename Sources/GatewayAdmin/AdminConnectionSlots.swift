import NIOConcurrencyHelpers
import NIOCore

/// Which admin connection gives way when one more would pass `admin-max-connections`: the one
/// that has waited longest without a request in progress (idle, or still trickling its head, as
/// a slowloris does), so a real request always finds room; when every other connection is in a
/// request, the new one.
struct AdminSlotTable {
    private let capacity: Int
    /// Each open connection's place in the waiting order; nil while it is in a request.
    private var waitingSince: [ObjectIdentifier: UInt64] = [:]
    private var busy: Set<ObjectIdentifier> = []
    private var sequence: UInt64 = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The connection to close, if the table is over capacity with this one. It leaves the table
    /// at once: its close completes later, and a burst of new connections must not all pick it.
    mutating func opened(_ id: ObjectIdentifier) -> ObjectIdentifier? {
        sequence += 1
        waitingSince[id] = sequence
        guard waitingSince.count + busy.count > capacity else { return nil }
        let oldest = waitingSince.min { $0.value < $1.value }!.key
        waitingSince[oldest] = nil
        return oldest
    }

    mutating func requestStarted(_ id: ObjectIdentifier) {
        if waitingSince.removeValue(forKey: id) != nil {
            busy.insert(id)
        }
    }

    mutating func requestFinished(_ id: ObjectIdentifier) {
        if busy.remove(id) != nil {
            sequence += 1
            waitingSince[id] = sequence
        }
    }

    mutating func closed(_ id: ObjectIdentifier) {
        waitingSince.removeValue(forKey: id)
        busy.remove(id)
    }
}

/// The admin listener's connections across event loops, behind one lock: admin traffic is light,
/// and each event is a dictionary update. A pthread lock, which ThreadSanitizer sees (see the
/// Makefile).
final class AdminConnectionSlots: Sendable {
    private let table: NIOLockedValueBox<(slots: AdminSlotTable, channels: [ObjectIdentifier: any Channel])>

    init(capacity: Int) {
        table = NIOLockedValueBox((AdminSlotTable(capacity: capacity), [:]))
    }

    /// Counts `channel` until it closes, closing the connection that gives way for it.
    func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let evicted = table.withLockedValue { table -> (any Channel)? in
            table.channels[id] = channel
            return table.slots.opened(id).flatMap { table.channels.removeValue(forKey: $0) }
        }
        evicted?.close(promise: nil)
        channel.closeFuture.whenComplete { _ in
            self.table.withLockedValue { table in
                table.slots.closed(id)
                table.channels[id] = nil
            }
        }
    }

    func requestStarted(on channel: any Channel) {
        table.withLockedValue { $0.slots.requestStarted(ObjectIdentifier(channel)) }
    }

    func requestFinished(on channel: any Channel) {
        table.withLockedValue { $0.slots.requestFinished(ObjectIdentifier(channel)) }
    }
}
