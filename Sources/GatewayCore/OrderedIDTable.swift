/// Values keyed by connection id, kept in id order.
///
/// Ids only grow, so an insert is an append, a lookup a binary search, and a page a binary
/// search plus a walk: listing many connections page by page costs each page its own size.
/// Removal leaves a hole that a compaction clears once holes outnumber live entries.
struct OrderedIDTable<Value> {
    private var ids: [ConnectionID] = []
    private var values: [Value?] = []
    private(set) var count = 0

    mutating func append(_ value: Value, for id: ConnectionID) {
        precondition(ids.last.map { $0 < id } ?? true, "ids must grow")
        ids.append(id)
        values.append(value)
        count += 1
    }

    @discardableResult
    mutating func remove(_ id: ConnectionID) -> Value? {
        guard let position = position(of: id), let value = values[position] else { return nil }
        values[position] = nil
        count -= 1
        if ids.count >= 64 && count * 2 < ids.count {
            compact()
        }
        return value
    }

    subscript(id: ConnectionID) -> Value? {
        position(of: id).flatMap { values[$0] }
    }

    /// Calls `body` for each value with an id above `cursor`, in id order, until it returns false.
    func forEach(after cursor: ConnectionID?, _ body: (ConnectionID, Value) -> Bool) {
        var position = cursor.map { firstPosition(above: $0) } ?? 0
        while position < ids.count {
            if let value = values[position], !body(ids[position], value) {
                return
            }
            position += 1
        }
    }

    private func position(of id: ConnectionID) -> Int? {
        let position = firstPosition(above: id - 1)
        return position < ids.count && ids[position] == id ? position : nil
    }

    /// The first position whose id is greater than `id`.
    private func firstPosition(above id: ConnectionID) -> Int {
        var low = 0
        var high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] <= id {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    private mutating func compact() {
        var keptIDs: [ConnectionID] = []
        var keptValues: [Value?] = []
        keptIDs.reserveCapacity(count)
        keptValues.reserveCapacity(count)
        for (id, value) in zip(ids, values) where value != nil {
            keptIDs.append(id)
            keptValues.append(value)
        }
        ids = keptIDs
        values = keptValues
    }
}
