import Foundation

/// One connection as the cluster directory records it: what other nodes list and filter on.
public struct DirectoryEntry: Sendable, Equatable {
    public var id: ConnectionID
    public var remoteAddress: String
    public var clientName: String?
    public var clientCertificateSubject: String?
    public var connectedAt: Date

    public init(
        id: ConnectionID, remoteAddress: String, clientName: String?, clientCertificateSubject: String?,
        connectedAt: Date
    ) {
        self.id = id
        self.remoteAddress = remoteAddress
        self.clientName = clientName
        self.clientCertificateSubject = clientCertificateSubject
        self.connectedAt = connectedAt
    }
}

/// Where connections report their arrival, new name and departure for the cluster directory.
///
/// Called on the connection's event loop, so an implementation must only record the change and
/// return: the data path never waits for the database.
public protocol ConnectionDirectorySink: Sendable {
    /// A new connection, or a known one whose client named itself anew (the whole entry again).
    func upsert(_ entry: DirectoryEntry)
    func remove(_ id: ConnectionID)
}
