/// Why a packet is not a `Msg`; the text says what was wrong and at which byte of the packet.
public struct MsgDecodingError: Error, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }

    static let empty = Self("empty packet is not a JSON object")
    static let unexpectedEnd = Self("unexpected end of JSON input")

    static func notAnObject(_ kind: JSONValueKind) -> Self {
        Self("packet must be a JSON object, got \(kind)")
    }

    static func notAString(_ field: MsgField, _ kind: JSONValueKind) -> Self {
        Self("\(field) must be a string, got \(kind)")
    }

    static func invalidUTF8(at index: Int) -> Self {
        Self("invalid UTF-8 at byte \(index)")
    }

    static func tooDeep(at index: Int) -> Self {
        Self("JSON nested deeper than \(MsgJSONParser.maxNestingDepth) levels at byte \(index)")
    }

    static func invalidCharacter(_ character: String, at index: Int, _ context: JSONContext) -> Self {
        Self("invalid character \(character) at byte \(index)\(context.rawValue)")
    }
}

enum JSONValueKind: String, CustomStringConvertible {
    case string, number, bool, null, object, array

    var description: String { self.rawValue }
}

enum MsgField: String, CustomStringConvertible {
    case act = "Act"
    case data = "Data"

    var description: String { self.rawValue }
}

/// What the parser was looking for when it met an unexpected character.
enum JSONContext: String {
    case value = ", expected a value"
    case keyOrObjectEnd = ", expected a string key or '}'"
    case key = ", expected a string key"
    case colon = ", expected ':' after an object key"
    case objectSeparator = ", expected ',' or '}' after an object value"
    case valueOrArrayEnd = ", expected a value or ']'"
    case arraySeparator = ", expected ',' or ']' after an array element"
    case digit = ", expected a digit"
    case literal = " in a literal (true, false or null)"
    case escape = #", expected an escape character after '\' (" \ / b f n r t u)"#
    case hexDigit = #", expected a hex digit in a \u escape"#
    case string = " in a string (control characters must be escaped)"
    case afterValue = " after the JSON value"
}
