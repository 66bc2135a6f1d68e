import GatewayUpstream
import GtcpWire
import NIOCore

/// Forwarding: the gateway-wide slot, the upstream request, and its answer written back in
/// request order, the answers that arrived together flushed together.
extension ConnectionHandler {
    /// Starts `msg` upstream now, or once the gateway-wide cap hands this connection a slot.
    func startOrPark(_ msg: Msg, context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let acquired = environment.limiter.tryAcquire {
            { [eventLoop = context.eventLoop] in
                eventLoop.execute { loopBound.value.gatewaySlotGranted() }
            }
        }
        if acquired {
            startRequest(msg, context: context)
        } else {
            state.waitForGatewaySlot(msg)
        }
    }

    private func gatewaySlotGranted() {
        guard let parked = state.gatewaySlotGranted(), let context else {
            environment.limiter.release()
            return
        }
        startRequest(parked, context: context)
        resumeProcessing(context: context)
    }

    private func startRequest(_ msg: Msg, context: ChannelHandlerContext) {
        guard let upstream = environment.upstream else { return }
        requestsStarted += 1
        let sequence = replies.reserve()
        let request = UpstreamRequest(
            act: msg.act,
            data: msg.data,
            connectionID: id,
            remoteAddress: remoteAddress,
            clientName: clientName,
            requestID: "\(environment.bootID)-\(id)-\(requestsStarted)",
            clientCertificateSubject: clientCertificateSubject
        )
        environment.metrics.upstreamInFlight.increment()
        environment.logger.debug("forwarding act \(msg.act) from [\(remoteAddress)] requestId=\(request.requestID)")
        let started = NIODeadline.now()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let answers = upstreamAnswers
        upstream.forward(request) { outcome in
            let answer = UpstreamAnswers.Answer(request: request, sequence: sequence, outcome: outcome, started: started)
            if answers.add(answer) {
                eventLoop.execute { loopBound.value.takeUpstreamAnswers() }
            }
        }
    }

    /// All answers that arrived since the last call, their replies flushed together.
    private func takeUpstreamAnswers() {
        let answers = upstreamAnswers.takeAll()
        batchingWrites = true
        for answer in answers {
            upstreamAnswered(answer.request, sequence: answer.sequence, outcome: answer.outcome, started: answer.started)
        }
        batchingWrites = false
        if let context, state.lifecycle != .closed {
            flushIfNeeded(context: context)
        }
    }

    private func upstreamAnswered(
        _ request: UpstreamRequest,
        sequence: UInt64,
        outcome: UpstreamOutcome,
        started: NIODeadline
    ) {
        environment.limiter.release()
        environment.metrics.upstreamInFlight.decrement()
        environment.metrics.upstreamDuration.recordNanoseconds((NIODeadline.now() - started).nanoseconds)
        state.requestFinished()

        let msg: Msg?
        switch outcome {
        case .reply(let act, let data):
            environment.metrics.upstreamRequests[.reply]?.increment()
            msg = Msg(act: act, data: data)
        case .noReply:
            environment.metrics.upstreamRequests[.noReply]?.increment()
            msg = nil
        case .failed(let status, let error):
            environment.metrics.upstreamRequests[.failed]?.increment()
            environment.logger.warning(
                "upstream failed for act \(request.act) from [\(remoteAddress)] requestId=\(request.requestID): \(error.logExcerpt())"
            )
            msg = ErrorReply.upstreamFailure(act: request.act, status: status, error: error, requestID: request.requestID)
        }
        guard let context, state.lifecycle != .closed else {
            if msg != nil {
                environment.metrics.repliesDropped.increment()
            }
            return
        }
        let encoded = msg.map { msg in
            encode(msg)
                ?? encode(
                    ErrorReply.upstreamFailure(
                        act: request.act,
                        status: nil,
                        error: "upstream response too large",
                        requestID: request.requestID
                    )
                )
        }
        replies.fill(sequence, with: encoded ?? nil) { write($0, context: context) }
        resumeProcessing(context: context)
    }
}
