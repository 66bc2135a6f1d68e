/// Why a client connection could not be made or ended badly, worded for a person at a terminal.
public enum GtcpClientError: Error, Equatable, CustomStringConvertible {
    case connectFailed(address: String, reason: String)
    /// The server closed the connection part way through a packet.
    case closedInsidePacket(receivedBytes: Int)

    public var description: String {
        switch self {
        case .connectFailed(let address, let reason):
            "cannot connect to \(address): \(reason)"
        case .closedInsidePacket(let receivedBytes):
            "connection closed inside a packet (\(receivedBytes) bytes of it received)"
        }
    }
}
