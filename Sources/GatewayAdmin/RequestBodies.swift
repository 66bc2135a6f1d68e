// `package`: the fuzz-admin-request target decodes these as the routes do.

/// `{"data": "...", "graceSeconds": N}`, both optional.
package struct DoexitRequest: Decodable {
    package var data: String = ""
    package var graceSeconds: Int?

    package static let graceRange = 0...3600

    init() {}

    package init(from decoder: any Decoder) throws {
        let object = try JSONObject(decoder, fields: ["data", "graceSeconds"])
        self.data = try object.string("data") ?? ""
        self.graceSeconds = try object.integer("graceSeconds", in: Self.graceRange)
    }
}

/// `{"act": "...", "data": "..."}`; the act is required.
package struct MessageRequest: Decodable {
    package var act: String
    package var data: String

    package init(from decoder: any Decoder) throws {
        let object = try JSONObject(decoder, fields: ["act", "data"])
        guard let act = try object.string("act") else {
            throw Problem.badRequest("field \"act\" is required")
        }
        self.act = act
        self.data = try object.string("data") ?? ""
    }
}

/// `{"act": "...", "data": "...", "replyAct": "...", "timeoutMs": N}`; only the act is required.
struct ExchangeRequest: Decodable {
    var act: String
    var data: String
    /// The act of the answer; the request's own act when absent.
    var replyAct: String
    var timeoutMs: Int

    static let timeoutRange = 1...300_000
    static let defaultTimeoutMs = 10_000

    init(from decoder: any Decoder) throws {
        let object = try JSONObject(decoder, fields: ["act", "data", "replyAct", "timeoutMs"])
        guard let act = try object.string("act") else {
            throw Problem.badRequest("field \"act\" is required")
        }
        self.act = act
        self.data = try object.string("data") ?? ""
        self.replyAct = try object.string("replyAct") ?? act
        self.timeoutMs = try object.integer("timeoutMs", in: Self.timeoutRange) ?? Self.defaultTimeoutMs
    }
}
