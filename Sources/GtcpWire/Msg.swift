import NIOCore

/// The gtcp example's message: `{"Act":"...","Data":"..."}`.
public struct Msg: Sendable, Hashable {
    public var act: String
    public var data: String

    public init(act: String, data: String = "") {
        self.act = act
        self.data = data
    }

    /// Exactly Go's `json.Marshal(types.Msg{...})` bytes: `{"Act":"...","Data":"..."}`.
    public func encodeJSON(into buffer: inout ByteBuffer) {
        self.encodeJSON(into: &buffer, byteCount: self.encodedJSONByteCount)
    }

    /// The length `encodeJSON` writes, counted without writing: lets a sender refuse an
    /// oversized message before it reaches an encoder.
    public var encodedJSONByteCount: Int {
        var counter = ByteCounter()
        self.writeJSON(into: &counter)
        return counter.count
    }

    /// `byteCount` is `encodedJSONByteCount`, already measured by the caller.
    func encodeJSON(into buffer: inout ByteBuffer, byteCount: Int) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: byteCount) { out in
            var writer = RawWriter(out)
            self.writeJSON(into: &writer)
            return writer.count
        }
    }

    private func writeJSON<Sink: QuotedStringSink>(into sink: inout Sink) {
        sink.append(#"{"Act":"#)
        GoJSON.quote(self.act, into: &sink)
        sink.append(#","Data":"#)
        GoJSON.quote(self.data, into: &sink)
        sink.append("}")
    }
}
