import GtcpWire

/// What a gtcp stream holds, read the simplest way: the reference the decoder is checked against.
struct ExpectedFrames {
    enum End: Equatable {
        case clean
        /// The stream stops inside a packet; these bytes are left.
        case partial([UInt8])
        /// A header declares a length above the limit.
        case oversize(Int)
    }

    var packets: [[UInt8]] = []
    var end = End.clean

    init(_ stream: [UInt8], framing: GtcpFraming) {
        var offset = 0
        while offset < stream.count {
            guard stream.count - offset >= framing.headerSize else {
                end = .partial(Array(stream[offset...]))
                return
            }
            let length = stream[offset..<offset + framing.headerSize].reduce(0) { $0 << 8 | Int($1) }
            guard length <= framing.maxDataSize else {
                end = .oversize(length)
                return
            }
            let dataStart = offset + framing.headerSize
            guard stream.count - dataStart >= length else {
                end = .partial(Array(stream[offset...]))
                return
            }
            packets.append(Array(stream[dataStart..<dataStart + length]))
            offset = dataStart + length
        }
    }
}
