import GatewayCore

/// Directory changes not yet written: the last word on each connection since the previous take.
///
/// A connection that came and went within one interval still leaves a removal, never nothing:
/// a rewrite may have recorded it in between, and removing a row that is not there costs little.
struct PendingDirectory: Sendable {
    private var changes: [ConnectionID: DirectoryEntry?] = [:]

    var count: Int { changes.count }

    mutating func upsert(_ entry: DirectoryEntry) {
        changes[entry.id] = .some(entry)
    }

    mutating func remove(_ id: ConnectionID) {
        changes[id] = .some(nil)
    }

    /// Everything pending, each key once, and nothing left behind.
    mutating func take() -> DirectoryBatch {
        var batch = DirectoryBatch()
        for (id, entry) in changes {
            if let entry {
                batch.upserts.append(entry)
            } else {
                batch.removals.append(id)
            }
        }
        changes.removeAll(keepingCapacity: changes.count < 4096)
        return batch
    }
}

/// One flush of the directory writer.
struct DirectoryBatch: Sendable, Equatable {
    var upserts: [DirectoryEntry] = []
    var removals: [ConnectionID] = []

    var isEmpty: Bool { upserts.isEmpty && removals.isEmpty }
    var rowCount: Int { upserts.count + removals.count }
}
