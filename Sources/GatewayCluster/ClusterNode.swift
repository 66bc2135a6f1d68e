/// One start of one gateway in the cluster: its name and the incarnation its ids carry.
public struct ClusterNode: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var incarnation: UInt32

    public init(name: String, incarnation: UInt32) {
        self.name = name
        self.incarnation = incarnation
    }

    public var description: String { "\(name) (incarnation \(incarnation))" }
}
