/// What cluster mode is configured with; absent, the gateway runs on its own.
public struct ClusterConfiguration: Sendable, Equatable, CustomStringConvertible {
    public var database: ClusterDatabaseURL
    /// Never logged or printed.
    public var password: String?
    /// Unique among the live nodes; checked when the node joins.
    public var nodeName: String
    /// A node whose lease was not renewed for this long counts as gone.
    public var lease: Duration

    public init(database: ClusterDatabaseURL, password: String?, nodeName: String, lease: Duration) {
        self.database = database
        self.password = password
        self.nodeName = nodeName
        self.lease = lease
    }

    public var description: String {
        "node \(nodeName) at \(database), lease \(lease)"
    }
}
