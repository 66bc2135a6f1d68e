import GtcpWire

/// The `error` messages the gateway sends; `Data` is itself JSON so clients can parse it.
enum ErrorReply {
    static func message(act: String, error: String) -> Msg {
        Msg(act: "error", data: "{\"act\":\(GoJSON.quote(act)),\"error\":\(GoJSON.quote(error))}")
    }

    static func upstreamFailure(act: String, status: Int?, error: String, requestID: String) -> Msg {
        let status = status.map(String.init) ?? "null"
        return Msg(
            act: "error",
            data: "{\"act\":\(GoJSON.quote(act)),\"status\":\(status),\"error\":\(GoJSON.quote(error)),"
                + "\"requestId\":\(GoJSON.quote(requestID))}"
        )
    }
}
