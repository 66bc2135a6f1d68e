/// The last `capacity` elements appended, oldest first; appending past capacity drops the oldest.
struct Ring<Element> {
    let capacity: Int
    private var storage: [Element] = []
    private var oldest = 0

    init(capacity: Int) {
        precondition(capacity > 0, "a ring holds at least one element")
        self.capacity = capacity
        self.storage.reserveCapacity(capacity)
    }

    mutating func append(_ element: Element) {
        if self.storage.count < self.capacity {
            self.storage.append(element)
        } else {
            self.storage[self.oldest] = element
            self.oldest = (self.oldest + 1) % self.capacity
        }
    }

    var elements: [Element] {
        Array(self.storage[self.oldest...] + self.storage[..<self.oldest])
    }
}

extension Ring: Sendable where Element: Sendable {}
