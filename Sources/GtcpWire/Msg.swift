/// The gtcp example's message: `{"Act":"...","Data":"..."}`.
public struct Msg: Sendable, Hashable {
    public var act: String
    public var data: String

    public init(act: String, data: String = "") {
        self.act = act
        self.data = data
    }
}
