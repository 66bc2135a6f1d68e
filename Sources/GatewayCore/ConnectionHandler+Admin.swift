import GtcpWire
import NIOCore

/// What the admin API does to one connection, through the registry, on the connection's loop:
/// list, push, request with answer waiters, doexit, close.
extension ConnectionHandler {
    /// An admin request waiting for the client's answer.
    struct AnswerWaiter {
        let answer: EventLoopPromise<RequestOutcome>
        let timeout: Scheduled<Void>
    }

    /// Admin requests one connection may have waiting for answers at once.
    static let maxAnswerWaiters = 64

    /// A filter naming a node is for the cluster's directory: no connection of the registry's own matches it.
    func matches(_ filter: ConnectionFilter) -> Bool {
        if filter.node != nil {
            return false
        }
        if let name = filter.clientName, name != clientName {
            return false
        }
        if let address = filter.remoteAddress, address != remoteAddress {
            return remoteAddress.hasPrefix(address) && remoteAddress.dropFirst(address.utf8.count).first == ":"
        }
        return true
    }

    func snapshot(_ clock: SnapshotClock = SnapshotClock()) -> ConnectionSnapshot {
        let idleFor = clock.uptime - state.lastActive
        return ConnectionSnapshot(
            id: id,
            remoteAddress: remoteAddress,
            clientName: clientName,
            clientCertificateSubject: clientCertificateSubject,
            connectedAt: connectedAt,
            lastActiveAt: clock.wall.addingTimeInterval(-Double(idleFor.nanoseconds) / 1e9),
            packetsIn: packetsIn,
            packetsOut: packetsOut,
            bytesIn: bytesIn,
            bytesOut: bytesOut,
            inFlight: state.inFlight,
            isClosing: state.isClosing,
            node: nil
        )
    }

    var directoryEntry: DirectoryEntry {
        DirectoryEntry(
            id: id, remoteAddress: remoteAddress, clientName: clientName,
            clientCertificateSubject: clientCertificateSubject, connectedAt: connectedAt)
    }

    /// Sends `msg` now, ahead of replies still waiting for the upstream.
    func push(_ msg: Msg) -> PushOutcome {
        guard context != nil, state.lifecycle == .open else { return .closing }
        do {
            return push(packet: try encodePacket(msg))
        } catch {
            return .tooLarge("\(error)")
        }
    }

    /// Sends an encoded packet now, as `push` does; a broadcast gives every connection the same one.
    func push(packet: ByteBuffer) -> PushOutcome {
        guard let context, state.lifecycle == .open else { return .closing }
        write(packet, context: context)
        flushIfNeeded(context: context)
        // The flush may have found the client too slow and closed it.
        return state.lifecycle == .open ? .sent : .closing
    }

    /// Sends `msg` now, as `push` does, and completes `answer` with the client's next message
    /// whose act is `replyAct`, which is then not handled otherwise.
    func request(_ msg: Msg, replyAct: String, timeout: Duration, answer: EventLoopPromise<RequestOutcome>) {
        guard let context, state.lifecycle == .open else {
            return answer.succeed(.closing)
        }
        let packet: ByteBuffer
        do {
            packet = try encodePacket(msg)
        } catch {
            return answer.succeed(.tooLarge("\(error)"))
        }
        let added = answerWaiters.add(for: replyAct) { serial in
            let timeout = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
                self.answerTimedOut(serial, act: replyAct)
            }
            return AnswerWaiter(answer: answer, timeout: timeout)
        }
        guard added else {
            return answer.succeed(.tooManyWaiting(limit: Self.maxAnswerWaiters))
        }
        write(packet, context: context)
        flushIfNeeded(context: context)
    }

    /// The waiter goes, so that a late answer is handled as any other message.
    private func answerTimedOut(_ serial: UInt64, act: String) {
        answerWaiters.remove(serial, for: act)?.answer.succeed(.timedOut)
    }

    func failAnswerWaiters() {
        for waiter in answerWaiters.removeAll() {
            waiter.timeout.cancel()
            waiter.answer.succeed(.connectionClosed)
        }
    }

    /// Sends `doexit` after the replies still owed, and closes the connection if the client has
    /// not after `grace` (nil: the `doexit-grace` policy of the moment). `cause` is what its
    /// `disconnected` event will give as the reason.
    func doexit(data: String, grace: Duration?, cause: DisconnectReason = .doexit) -> PushOutcome {
        guard let context else { return .closing }
        let packet: ByteBuffer
        do {
            packet = try encodePacket(Msg(act: "doexit", data: data))
        } catch {
            return .tooLarge("\(error)")
        }
        let grace = grace ?? environment.policy.current.doexitGrace
        switch state.doexitRequested(cause: cause, grace: grace, now: context.eventLoop.now) {
        case .alreadyClosing:
            return .closing
        case .sendDoexit(let graceDeadline):
            environment.metrics.doexitSent.increment()
            replies.append(packet) { write($0, context: context) }
            flushIfNeeded(context: context)
            // The flush may have found the client too slow and closed it.
            guard state.lifecycle == .exiting else { return .closing }
            scheduleGraceTimer(at: graceDeadline, context: context)
            return .sent
        }
    }

    @discardableResult
    func close(reason: CloseReason) -> PushOutcome {
        guard let context, state.lifecycle != .closed else { return .closing }
        perform(state.closeRequested(reason), context: context)
        return .sent
    }
}
