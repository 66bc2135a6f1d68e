import GtcpWire
import NIOCore

/// Act dispatch: what each packet from the client is, and who answers it.
extension ConnectionHandler {
    func handle(_ packet: ByteBuffer, context: ChannelHandlerContext) {
        let msg: Msg
        do {
            msg = try Msg(decoding: packet)
        } catch {
            environment.metrics.decodeErrors.increment()
            environment.logger.debug("invalid package structure from [\(remoteAddress)]: \("\(error)".logExcerpt())")
            reply(ErrorReply.message(act: "", error: "invalid package structure: \(error)"), context: context)
            return
        }
        // An answer an admin request waits for goes there, and nowhere else.
        if !answerWaiters.isEmpty, let waiter = answerWaiters.take(for: msg.act) {
            waiter.timeout.cancel()
            waiter.answer.succeed(.answered(msg))
            return
        }
        switch msg.act {
        case "hello":
            hello(msg.data, context: context)
        case "heartbeat":
            environment.logger.debug("heartbeat from [\(remoteAddress)]")
        default:
            forward(msg, context: context)
        }
    }

    private func hello(_ name: String, context: ChannelHandlerContext) {
        // Logged as the example server does, but once per name and within the connection's
        // budget of lines: a client repeating or changing its hello must not flood the log.
        if name != clientName {
            environment.events?.hello(id, remoteAddress: remoteAddress, clientName: name)
            logClientCausedInfo("hello message from [\(remoteAddress)]: \(name.logExcerpt())")
            clientName = name
            environment.registry.directory?.upsert(directoryEntry)
        } else {
            environment.logger.debug("hello message from [\(remoteAddress)]: \(name.logExcerpt())")
        }
        // Encoded once per greeting, not per hello.
        guard let packet = environment.policy.helloReply(framing: environment.framing) else {
            environment.logger.debug("reply hello to [\(remoteAddress)] exceeds max data size, not sent")
            return
        }
        reply(packet: packet, context: context)
    }

    /// Acts the gateway does not answer itself go upstream, when one takes them.
    private func forward(_ msg: Msg, context: ChannelHandlerContext) {
        // Checked first: only a valid act name reaches the log and the set of unrouted acts.
        if let problem = ActName.validationError(msg.act) {
            reply(ErrorReply.message(act: msg.act, error: problem), context: context)
            return
        }
        guard environment.upstream?.handles(act: msg.act) == true else {
            if environment.unroutedActs.firstTime(msg.act) {
                environment.logger.warning("no upstream configured for act \(msg.act)")
            }
            reply(ErrorReply.message(act: msg.act, error: "no upstream configured for act \(msg.act)"), context: context)
            return
        }
        switch state.forwardRequested() {
        case .refuse(let error):
            reply(ErrorReply.message(act: msg.act, error: error), context: context)
        case .start:
            startOrPark(msg, context: context)
        }
    }
}
