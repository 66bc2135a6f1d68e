/// How packets are framed on a gtcp connection: `[big-endian length, headerSize bytes][data]`.
public struct GtcpFraming: Sendable, Hashable {
    /// gtcp's defaults: a 2-byte header and the largest length it can express.
    public static let `default` = GtcpFraming(validatedHeaderSize: 2, maxDataSize: 0xFFFF)

    /// Bytes in the length header, 1...4.
    public let headerSize: Int
    /// The largest data length accepted or sent, at most `defaultMaxDataSize(headerSize:)`.
    public let maxDataSize: Int

    public init(headerSize: Int = 2, maxDataSize: Int? = nil) throws(GtcpFramingConfigurationError) {
        guard (1...4).contains(headerSize) else {
            throw .invalidHeaderSize(headerSize)
        }
        let limit = Self.defaultMaxDataSize(headerSize: headerSize)
        let maxDataSize = maxDataSize ?? limit
        guard (0...limit).contains(maxDataSize) else {
            throw .invalidMaxDataSize(maxDataSize, headerSize: headerSize)
        }
        self.init(validatedHeaderSize: headerSize, maxDataSize: maxDataSize)
    }

    private init(validatedHeaderSize headerSize: Int, maxDataSize: Int) {
        self.headerSize = headerSize
        self.maxDataSize = maxDataSize
    }

    /// gtcp's default for each header size; 4 bytes stop at Int32.max as in Go, not UInt32.max.
    /// - Precondition: `headerSize` is 1...4.
    public static func defaultMaxDataSize(headerSize: Int) -> Int {
        switch headerSize {
        case 1: 0xFF
        case 2: 0xFFFF
        case 3: 0xFF_FFFF
        case 4: 0x7FFF_FFFF
        default: preconditionFailure("header size must be 1...4, got \(headerSize)")
        }
    }
}
