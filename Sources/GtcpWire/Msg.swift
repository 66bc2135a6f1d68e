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
        buffer.writeStaticString(#"{"Act":"#)
        GoJSON.writeQuoted(self.act, into: &buffer)
        buffer.writeStaticString(#","Data":"#)
        GoJSON.writeQuoted(self.data, into: &buffer)
        buffer.writeStaticString("}")
    }

    /// The length `encodeJSON` writes, counted without writing: lets a sender refuse an oversized
    /// message before it reaches an encoder.
    public var encodedJSONByteCount: Int {
        Self.punctuationByteCount + GoJSON.quotedByteCount(self.act) + GoJSON.quotedByteCount(self.data)
    }

    /// A lower bound of `encodedJSONByteCount` in O(1): escaping never shortens text.
    var minimumEncodedJSONByteCount: Int {
        Self.punctuationByteCount + 4 + self.act.utf8.count + self.data.utf8.count
    }

    /// `{"Act":` `,"Data":` `}` without the two quoted values.
    private static let punctuationByteCount = 16
}
