import GtcpWire
import NIOCore
import Testing

@testable import GatewayCore

@Suite struct LivePolicyTests {
    private func decoded(_ packet: ByteBuffer?, framing: GtcpFraming = .default) throws -> Msg? {
        guard var packet else { return nil }
        var decoder = GtcpFrameDecoder(framing: framing)
        return try decoder.nextPacket(from: &packet).map { try Msg(decoding: $0) }
    }

    @Test func theHelloReplyCarriesTheCurrentGreeting() throws {
        let policy = LivePolicy(ConnectionPolicy(greeting: "Hi!"))
        #expect(try decoded(policy.helloReply(framing: .default)) == Msg(act: "hello", data: "Hi!"))
        // Asked again, the same bytes.
        #expect(try decoded(policy.helloReply(framing: .default)) == Msg(act: "hello", data: "Hi!"))

        policy.current = ConnectionPolicy(greeting: "Welcome <back> & \"hello\"")
        #expect(try decoded(policy.helloReply(framing: .default)) == Msg(act: "hello", data: "Welcome <back> & \"hello\""))
    }

    @Test func anotherFramingGetsItsOwnHeader() throws {
        let policy = LivePolicy(ConnectionPolicy(greeting: "Hi!"))
        let fourByteHeaders = try GtcpFraming(headerSize: 4)
        _ = policy.helloReply(framing: .default)
        let packet = try #require(policy.helloReply(framing: fourByteHeaders))
        #expect(packet.getInteger(at: packet.readerIndex, as: UInt32.self) == UInt32(packet.readableBytes - 4))
        #expect(try decoded(packet, framing: fourByteHeaders) == Msg(act: "hello", data: "Hi!"))
    }

    @Test func aGreetingBeyondTheMaxDataSizeHasNoReply() throws {
        let policy = LivePolicy(ConnectionPolicy(greeting: String(repeating: "g", count: 300)))
        #expect(policy.helloReply(framing: try GtcpFraming(headerSize: 1)) == nil)
        #expect(try decoded(policy.helloReply(framing: .default))?.data.count == 300)
    }
}
