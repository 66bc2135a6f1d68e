// Stand-in for the framing configuration until the wire module lands; replaced on merge.

public struct GtcpFraming: Sendable, Hashable {
    public static let `default` = try! GtcpFraming()

    public let headerSize: Int
    public let maxDataSize: Int

    public init(headerSize: Int = 2, maxDataSize: Int? = nil) throws(GtcpFramingConfigurationError) {
        guard (1...4).contains(headerSize) else { throw .invalidHeaderSize(headerSize) }
        let limit = Self.defaultMaxDataSize(headerSize: headerSize)
        let maxDataSize = maxDataSize ?? limit
        guard (0...limit).contains(maxDataSize) else {
            throw .invalidMaxDataSize(maxDataSize, headerSize: headerSize, limit: limit)
        }
        self.headerSize = headerSize
        self.maxDataSize = maxDataSize
    }

    public static func defaultMaxDataSize(headerSize: Int) -> Int {
        headerSize >= 4 ? 0x7FFF_FFFF : (1 << (8 * headerSize)) - 1
    }
}

public enum GtcpFramingConfigurationError: Error, Equatable, CustomStringConvertible {
    case invalidHeaderSize(Int)
    case invalidMaxDataSize(Int, headerSize: Int, limit: Int)

    public var description: String {
        switch self {
        case .invalidHeaderSize(let size):
            "header-size must be 1..4, got \(size)"
        case .invalidMaxDataSize(let size, let headerSize, let limit):
            "max-data-size must be 0..\(limit) for header-size \(headerSize), got \(size)"
        }
    }
}
