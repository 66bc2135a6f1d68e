import NIOCore

/// Hands replies out in the order their requests arrived, whatever order they are ready in.
///
/// Each request reserves a slot; a slot filled out of order waits until every slot before it is
/// filled. A slot may be filled with nothing (an upstream 204), which releases the slots behind it.
struct ReplySequencer<Reply> {
    private enum Slot {
        case waiting
        case ready(Reply?)
    }

    private var slots = OnDemandQueue<Slot>()
    /// The sequence number of `slots.first`.
    private var headSequence: UInt64 = 0

    /// True when no reply is waiting for an earlier one.
    var isEmpty: Bool { slots.isEmpty }

    /// Reserves the next slot and returns its sequence number.
    mutating func reserve() -> UInt64 {
        slots.append(.waiting)
        return headSequence + UInt64(slots.count - 1)
    }

    /// Fills the slot `sequence` and emits every reply now free to go, in order.
    mutating func fill(_ sequence: UInt64, with reply: Reply?, emit: (Reply) -> Void) {
        let offset = Int(sequence - headSequence)
        precondition(offset >= 0 && offset < slots.count, "slot \(sequence) was never reserved or is already out")
        guard case .waiting = slots[offset: offset] else {
            preconditionFailure("slot \(sequence) filled twice")
        }
        slots[offset: offset] = .ready(reply)
        while case .ready(let ready)? = slots.first {
            _ = slots.popFirst()
            headSequence += 1
            if let ready {
                emit(ready)
            }
        }
    }

    /// Emits `reply` at once when nothing waits ahead of it, or queues it behind what does.
    mutating func append(_ reply: Reply, emit: (Reply) -> Void) {
        if slots.isEmpty {
            emit(reply)
        } else {
            fill(reserve(), with: reply, emit: emit)
        }
    }
}
