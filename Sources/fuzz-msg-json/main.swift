import GtcpWire
import NIOCore

/// libFuzzer entry: any bytes either fail to decode or give a Msg whose Go-compatible encoding
/// decodes back to the same bytes of Act and Data and encodes to the same JSON again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMsgJSON(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let msg = try? Msg(decoding: ByteBuffer(bytes: UnsafeRawBufferPointer(start: start, count: count))) else {
        return 0
    }
    var encoded = ByteBuffer()
    msg.encodeJSON(into: &encoded)
    precondition(encoded.readableBytes == msg.encodedJSONByteCount, "encodedJSONByteCount is off")
    let again: Msg
    do {
        again = try Msg(decoding: encoded)
    } catch {
        preconditionFailure("re-encoded Msg does not decode: \(error)")
    }
    // Compared as bytes: String equality would let a differently normalised round trip pass.
    precondition(Array(again.act.utf8) == Array(msg.act.utf8), "Act changed in the round trip")
    precondition(Array(again.data.utf8) == Array(msg.data.utf8), "Data changed in the round trip")
    var reencoded = ByteBuffer()
    again.encodeJSON(into: &reencoded)
    precondition(reencoded == encoded, "encoding is not stable")
    return 0
}
