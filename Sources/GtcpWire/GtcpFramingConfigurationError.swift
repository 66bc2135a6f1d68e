/// A framing setting outside what gtcp can express; the text names the setting as configured.
public enum GtcpFramingConfigurationError: Error, Equatable, CustomStringConvertible {
    case invalidHeaderSize(Int)
    case invalidMaxDataSize(Int, headerSize: Int)

    public var description: String {
        switch self {
        case .invalidHeaderSize(let size):
            "header-size must be 1..4, got \(size)"
        case .invalidMaxDataSize(let size, let headerSize):
            "max-data-size must be 0..\(GtcpFraming.defaultMaxDataSize(headerSize: headerSize)) "
                + "for header-size \(headerSize), got \(size)"
        }
    }
}
