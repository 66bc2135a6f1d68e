/// Whether a text is one JSON value (RFC 8259, scalars included), checked by the parser that
/// reads Msg packets, without building the value.
public enum JSONText {
    public static func isValid(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var parser = MsgJSONParser(bytes: UnsafeRawBufferPointer(bytes))
            return parser.isOneValue()
        }
    }
}
