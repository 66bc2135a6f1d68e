import NIOCore

/// Admin requests waiting for a client's answer, by the act that answers them, as a value with
/// no I/O. Waiters for one act are answered oldest first, so concurrent requests each get
/// their own answer.
struct AnswerWaiters<Waiter> {
    private var byAct: [String: CircularBuffer<(serial: UInt64, waiter: Waiter)>] = [:]
    private var nextSerial: UInt64 = 0
    private(set) var count = 0
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    var isEmpty: Bool { count == 0 }

    /// Adds the waiter `make` builds from the serial that removes it again; false at capacity,
    /// where nothing is built.
    mutating func add(for act: String, _ make: (_ serial: UInt64) -> Waiter) -> Bool {
        guard count < capacity else { return false }
        nextSerial += 1
        byAct[act, default: []].append((nextSerial, make(nextSerial)))
        count += 1
        return true
    }

    /// The oldest waiter for `act`, which the message with that act answers.
    mutating func take(for act: String) -> Waiter? {
        guard let first = byAct[act]?.popFirst() else { return nil }
        dropIfEmpty(act)
        count -= 1
        return first.waiter
    }

    /// The waiter `serial` for `act`, unless an answer took it already.
    mutating func remove(_ serial: UInt64, for act: String) -> Waiter? {
        guard let index = byAct[act]?.firstIndex(where: { $0.serial == serial }),
            let removed = byAct[act]?.remove(at: index)
        else { return nil }
        dropIfEmpty(act)
        count -= 1
        return removed.waiter
    }

    private mutating func dropIfEmpty(_ act: String) {
        if byAct[act]?.isEmpty == true {
            byAct[act] = nil
        }
    }

    mutating func removeAll() -> [Waiter] {
        defer {
            byAct.removeAll()
            count = 0
        }
        return byAct.values.flatMap { $0.map(\.waiter) }
    }
}
