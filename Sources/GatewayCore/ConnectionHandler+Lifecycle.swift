import Foundation
import NIOCore
import SettingsText

/// The timers one connection may have running; each is cancelled when the connection ends.
struct ConnectionTimers {
    /// A callback rather than a task: every connection has one, and a task would cost it a
    /// promise and closures on each arming.
    var idle: NIOScheduledCallback?
    var maxAge: Scheduled<Void>?
    var grace: Scheduled<Void>?

    func cancelAll() {
        idle?.cancel()
        maxAge?.cancel()
        grace?.cancel()
    }
}

/// The start and end of a connection, the connect hook, and the idle, max-age and grace timers,
/// each set for the deadline the state machine gives.
extension ConnectionHandler {
    func connectionStarted(context: ChannelHandlerContext) {
        guard id == 0 else { return }
        remoteAddress = context.channel.remoteAddress.map(Self.describe) ?? "unknown"
        connectedAt = Date()
        id = environment.registry.register(self, on: context.eventLoop)
        environment.registry.directory?.upsert(directoryEntry)
        environment.metrics.connectionsAccepted.increment()
        environment.metrics.connectionsOpen.increment()
        environment.logger.debug("client connected [\(remoteAddress)] id=\(id)")

        let policy = environment.policy.current
        let started = state.started(
            now: context.eventLoop.now, idleTimeout: policy.idleTimeout, maxAge: policy.maxConnectionAge,
            awaitingAdmission: environment.events?.connectHook == true)
        announceConnected(context: context)
        scheduleIdleCheck(at: started.idleCheck, context: context)
        if let maxAge = started.maxAge {
            timers.maxAge = context.eventLoop.assumeIsolated().scheduleTask(deadline: maxAge) {
                _ = self.doexit(data: "max connection age reached", grace: nil)
            }
        }
    }

    func connectionEnded() {
        guard id != 0, case .cleanUp(let reason, let disconnect) = state.closed() else { return }
        timers.cancelAll()
        environment.registry.unregister(id)
        environment.registry.directory?.remove(id)
        reportQueuedOutput(0)
        _ = partialPacket.update(to: 0, in: environment.partialPacketBudget)
        environment.metrics.connectionsOpen.decrement()
        environment.metrics.connectionsClosed[reason]?.increment()
        failAnswerWaiters()
        environment.events?.disconnected(id, remoteAddress: remoteAddress, clientName: clientName, reason: disconnect)
        let leftOut = infoLines.leftOut > 0 ? " (\(infoLines.leftOut) lines left out of the log)" : ""
        if reason == .clientClosed {
            environment.logger.info("client closed [\(remoteAddress)]\(leftOut)")
        } else {
            environment.logger.info("closed [\(remoteAddress)]: \(reason.rawValue.replacingOccurrences(of: "_", with: " "))\(leftOut)")
        }
    }

    /// Queues the `connected` event; with the connect hook on, the backend's verdict comes back
    /// to `admissionDecided`.
    private func announceConnected(context: ChannelHandlerContext) {
        guard let events = environment.events else { return }
        guard events.connectHook else {
            events.connected(id, remoteAddress: remoteAddress, admission: nil)
            return
        }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        events.connected(id, remoteAddress: remoteAddress) { admission in
            eventLoop.execute { loopBound.value.admissionDecided(admission) }
        }
    }

    private func admissionDecided(_ admission: Admission) {
        guard let context else { return }
        switch state.admissionDecided(admission) {
        case .resume:
            resumeProcessing(context: context)
        case .close(let error):
            environment.logger.info("closing [\(remoteAddress)]: \(error.logExcerpt())")
            perform(.close(error: error), context: context)
        case .none:
            break
        }
    }

    /// Packets only note when they arrived: the check, once due, sees whether the connection
    /// was idle long enough or sets itself for the new deadline.
    private func scheduleIdleCheck(at deadline: NIODeadline, context: ChannelHandlerContext) {
        // Throws only once the event loop is shutting down, which closes the connection anyway.
        timers.idle = try? context.eventLoop.assumeIsolated().scheduleCallback(at: deadline, handler: self)
    }

    private func idleCheck() {
        guard let context else { return }
        let timeout = environment.policy.current.idleTimeout
        switch state.idleCheckDue(now: context.eventLoop.now, idleTimeout: timeout) {
        case .checkAgain(let deadline):
            scheduleIdleCheck(at: deadline, context: context)
        case .close:
            environment.logger.debug("idle for \(timeout.map(DurationText.describe) ?? "ever") [\(remoteAddress)]")
            perform(.close(error: nil), context: context)
        case .none:
            break
        }
    }

    func scheduleGraceTimer(at deadline: NIODeadline, context: ChannelHandlerContext) {
        timers.grace = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            guard let context = self.context else { return }
            self.perform(self.state.graceExpired(), context: context)
        }
    }

    static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else {
            return "\(address)"
        }
        if case .v6 = address {
            return "[\(ip)]:\(port)"
        }
        return "\(ip):\(port)"
    }
}

extension ConnectionHandler: NIOScheduledCallbackHandler {
    /// The idle timer, the one scheduled callback.
    func handleScheduledCallback(eventLoop: some EventLoop) {
        idleCheck()
    }
}
