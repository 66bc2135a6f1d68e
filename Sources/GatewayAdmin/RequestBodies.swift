/// `{"data": "...", "graceSeconds": N}`, both optional.
struct DoexitRequest: Decodable {
    var data: String = ""
    var graceSeconds: Int?

    static let graceRange = 0...3600

    init() {}

    init(from decoder: any Decoder) throws {
        let object = try JSONObject(decoder, fields: ["data", "graceSeconds"])
        self.data = try object.string("data") ?? ""
        self.graceSeconds = try object.integer("graceSeconds", in: Self.graceRange)
    }
}

/// `{"act": "...", "data": "..."}`; the act is required.
struct MessageRequest: Decodable {
    var act: String
    var data: String

    init(from decoder: any Decoder) throws {
        let object = try JSONObject(decoder, fields: ["act", "data"])
        guard let act = try object.string("act") else {
            throw Problem.badRequest("field \"act\" is required")
        }
        self.act = act
        self.data = try object.string("data") ?? ""
    }
}
