import GtcpWire
import NIOCore
import NIOEmbedded

/// libFuzzer entry: the first byte picks the framing and how the rest is split into reads;
/// the packets and errors the decoder produces must match a direct reading of the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: start, count: count)
    guard let setup = input.first else { return 0 }
    let headerSize = Int(setup & 0b11) + 1
    // A small limit reaches the oversize check with every header size, 4 bytes included.
    let framing = try! GtcpFraming(headerSize: headerSize, maxDataSize: setup & 0b100 == 0 ? nil : 16)
    let readSize = Int(setup >> 3) + 1
    let stream = Array(input.dropFirst())

    let expected = ExpectedFrames(stream, framing: framing)
    let channel = EmbeddedChannel(handler: ByteToMessageHandler(GtcpFrameDecoder(framing: framing)))
    var packets: [[UInt8]] = []
    var failure: (any Error)?
    var offset = 0
    while offset < stream.count, failure == nil {
        let end = min(offset + readSize, stream.count)
        do {
            try channel.writeInbound(ByteBuffer(bytes: stream[offset..<end]))
        } catch {
            failure = error
        }
        while let packet = try! channel.readInbound(as: ByteBuffer.self) {
            packets.append(Array(packet.readableBytesView))
        }
        offset = end
    }
    var leftover: [UInt8]?
    do {
        _ = try channel.finish()
    } catch ByteToMessageDecoderError.leftoverDataWhenDone(let buffer) {
        leftover = Array(buffer.readableBytesView)
    } catch {
        failure = failure ?? error
    }

    precondition(packets == expected.packets, "packets differ")
    switch expected.end {
    case .clean:
        precondition(failure == nil && leftover == nil, "clean stream reported \(String(describing: failure))")
    case .partial(let rest):
        precondition(failure == nil && leftover == rest, "partial packet not reported as leftover")
    case .oversize(let length):
        let error = failure as? GtcpFramingError
        precondition(error == .invalidPackageSize(size: length, maxDataSize: framing.maxDataSize), "expected oversize \(length)")
    }
    return 0
}
