import NIOCore

/// Lifecycle events waiting to be sent, as a value with no I/O.
///
/// One connection's events leave one at a time, in the order they came; different connections'
/// events go out side by side, up to `maxSending` at once. Every event held, waiting or being
/// sent, counts against `capacity`.
struct EventQueue<Event> {
    fileprivate struct Lane {
        var waiting = CircularBuffer<Event>()
        var sending = false
    }

    private var lanes: [ConnectionID: Lane] = [:]
    /// Connections with an event waiting and none being sent, in the order they became so.
    private var ready = CircularBuffer<ConnectionID>()
    private(set) var held = 0
    private(set) var sending = 0
    let capacity: Int
    let maxSending: Int

    init(capacity: Int, maxSending: Int) {
        precondition(capacity > 0 && maxSending > 0)
        self.capacity = capacity
        self.maxSending = maxSending
    }

    var isEmpty: Bool { held == 0 }

    /// False when full: the event was not taken.
    mutating func append(_ event: Event, for id: ConnectionID) -> Bool {
        guard held < capacity else { return false }
        held += 1
        lanes[id, default: Lane()].waiting.append(event)
        if let lane = lanes[id], !lane.sending, lane.waiting.count == 1 {
            ready.append(id)
        }
        return true
    }

    /// The next event to send, while fewer than `maxSending` are being sent.
    mutating func next() -> (id: ConnectionID, event: Event)? {
        guard sending < maxSending, let id = ready.popFirst(), let event = lanes[id]?.waiting.popFirst() else {
            return nil
        }
        lanes[id]?.sending = true
        sending += 1
        return (id, event)
    }

    /// The event being sent for `id` is done with, delivered or given up; the connection's next
    /// event may go.
    mutating func finished(_ id: ConnectionID) {
        guard lanes[id]?.sending == true else {
            preconditionFailure("no event of connection \(id) is being sent")
        }
        sending -= 1
        held -= 1
        lanes[id]?.sending = false
        if lanes[id]?.waiting.isEmpty == true {
            lanes[id] = nil
        } else {
            ready.append(id)
        }
    }

    /// Takes out every waiting event; those being sent stay until `finished`.
    mutating func removeWaiting() -> [Event] {
        var removed: [Event] = []
        for (id, lane) in lanes {
            removed += lane.waiting
            lanes[id] = lane.sending ? Lane(sending: true) : nil
        }
        ready.removeAll()
        held -= removed.count
        return removed
    }
}

// LifecycleEvents keeps its queue in a lock shared across threads.
extension EventQueue: Sendable where Event: Sendable {}
extension EventQueue.Lane: Sendable where Event: Sendable {}
