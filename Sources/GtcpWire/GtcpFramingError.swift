/// A packet that breaks the framing limits, in gtcp's own words.
public enum GtcpFramingError: Error, Equatable, CustomStringConvertible {
    /// A received header declares more data than allowed; the stream is out of step and must be closed.
    case invalidPackageSize(size: Int, maxDataSize: Int)
    /// A message to send is larger than allowed; nothing was written.
    case dataTooLong(size: Int, maxDataSize: Int)

    public var description: String {
        switch self {
        case .invalidPackageSize(let size, let maxDataSize):
            "invalid package size \(size) exceeds max data size \(maxDataSize)"
        case .dataTooLong(let size, let maxDataSize):
            "data too long, data size \(size) exceeds allowed max data size \(maxDataSize)"
        }
    }
}
