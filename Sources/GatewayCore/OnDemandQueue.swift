import NIOCore

/// A first-in first-out queue that holds no storage until its first element: most connections
/// never queue a packet or a reply, and even an empty `CircularBuffer` costs each one a block.
struct OnDemandQueue<Element> {
    private var storage: CircularBuffer<Element>?

    var isEmpty: Bool { storage?.isEmpty ?? true }
    var count: Int { storage?.count ?? 0 }
    var first: Element? { storage?.first }

    /// The element `offset` places from the first.
    subscript(offset offset: Int) -> Element {
        get { storage![index(offset)] }
        set {
            let index = index(offset)
            storage![index] = newValue
        }
    }

    private func index(_ offset: Int) -> CircularBuffer<Element>.Index {
        storage!.index(storage!.startIndex, offsetBy: offset)
    }

    /// Storage, once made, is kept: a queue used once is likely to be used again.
    mutating func append(_ element: Element) {
        if storage == nil {
            storage = CircularBuffer(initialCapacity: 4)
        }
        storage!.append(element)
    }

    mutating func popFirst() -> Element? {
        storage?.popFirst()
    }

    mutating func removeAll() {
        storage = nil
    }
}
