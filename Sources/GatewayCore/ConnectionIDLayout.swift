/// How a connection id is built: the node incarnation in the high bits, a counter of the
/// incarnation's connections in the low ones, 63 bits in all.
///
/// A single gateway is incarnation 0, so its ids are the plain counter. In a cluster every start
/// of a node takes a fresh incarnation from the database, which makes ids unique across nodes
/// and restarts. The top bit stays clear so that every id is a positive PostgreSQL `bigint`: the
/// cluster directory pages through them in id order. 44 bits of counter last 55 years at 10,000
/// new connections a second.
public enum ConnectionIDLayout {
    public static let incarnationBits = 19
    public static let counterBits = 44
    public static let maxIncarnation: UInt32 = (1 << incarnationBits) - 1
    public static let maxCounter: UInt64 = (1 << counterBits) - 1

    public static func id(incarnation: UInt32, counter: UInt64) -> ConnectionID {
        precondition(incarnation <= maxIncarnation && counter <= maxCounter)
        return UInt64(incarnation) << counterBits | counter
    }

    public static func incarnation(of id: ConnectionID) -> UInt32 {
        UInt32(truncatingIfNeeded: id >> counterBits)
    }

    public static func counter(of id: ConnectionID) -> UInt64 {
        id & maxCounter
    }
}
