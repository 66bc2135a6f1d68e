import GatewayCore
import NIOConcurrencyHelpers

/// The sink connections report to: one short lock to record a change, nothing else. The
/// directory writer takes what gathered every flush interval.
final class DirectoryChanges: ConnectionDirectorySink {
    private let pending = NIOLockedValueBox(PendingDirectory())

    func upsert(_ entry: DirectoryEntry) {
        pending.withLockedValue { $0.upsert(entry) }
    }

    func remove(_ id: ConnectionID) {
        pending.withLockedValue { $0.remove(id) }
    }

    func take() -> DirectoryBatch {
        pending.withLockedValue { $0.take() }
    }
}
