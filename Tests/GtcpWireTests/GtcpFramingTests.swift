import GtcpWire
import Testing

@Suite struct GtcpFramingTests {
    @Test func defaultIsTwoByteHeaderWithTheLargestTwoByteLength() throws {
        #expect(GtcpFraming.default.headerSize == 2)
        #expect(GtcpFraming.default.maxDataSize == 0xFFFF)
        #expect(try GtcpFraming() == .default)
    }

    @Test(arguments: [(1, 0xFF), (2, 0xFFFF), (3, 0xFF_FFFF), (4, 0x7FFF_FFFF)])
    func maxDataSizeDefaultsToWhatTheHeaderCanHold(headerSize: Int, expected: Int) throws {
        #expect(GtcpFraming.defaultMaxDataSize(headerSize: headerSize) == expected)
        #expect(try GtcpFraming(headerSize: headerSize).maxDataSize == expected)
    }

    @Test(arguments: [(2, 0), (1, 0xFF), (4, 1024)])
    func acceptsMaxDataSizesWithinTheHeaderLimit(headerSize: Int, maxDataSize: Int) throws {
        let framing = try GtcpFraming(headerSize: headerSize, maxDataSize: maxDataSize)
        #expect(framing.headerSize == headerSize)
        #expect(framing.maxDataSize == maxDataSize)
    }

    @Test(arguments: [
        (0, nil, "header-size must be 1..4, got 0"),
        (7, nil, "header-size must be 1..4, got 7"),
        (-1, nil, "header-size must be 1..4, got -1"),
        (2, 70000, "max-data-size must be 0..65535 for header-size 2, got 70000"),
        (1, 256, "max-data-size must be 0..255 for header-size 1, got 256"),
        (4, 0x8000_0000, "max-data-size must be 0..2147483647 for header-size 4, got 2147483648"),
        (3, -1, "max-data-size must be 0..16777215 for header-size 3, got -1"),
    ] as [(Int, Int?, String)])
    func rejectsSettingsGtcpCannotExpress(headerSize: Int, maxDataSize: Int?, message: String) {
        #expect {
            try GtcpFraming(headerSize: headerSize, maxDataSize: maxDataSize)
        } throws: { error in
            (error as? GtcpFramingConfigurationError)?.description == message
        }
    }
}
