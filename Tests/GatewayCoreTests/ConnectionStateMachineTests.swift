import NIOCore
import Testing

@testable import GatewayCore

@Suite struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine<Int, String>

    /// `#expect` cannot mutate its operands, so each event goes through a box: `machine { $0.event() }`.
    final class Box {
        private var value: Machine

        init(maxInFlight: Int, maxOutboundBytes: Int = 4 << 20) {
            value = Machine(maxInFlight: maxInFlight, maxOutboundBytes: maxOutboundBytes)
        }

        func callAsFunction<Result>(_ event: (inout Machine) -> Result) -> Result {
            event(&value)
        }
    }

    @Test func packetsFlowWhileUnderTheCap() {
        let machine = Box(maxInFlight: 2)
        #expect(machine { $0.readRequested() })
        #expect(machine { $0.packetArrived(1) } == 1)
        #expect(machine { $0.forwardRequested() } == .start)
        #expect(machine { $0.packetArrived(2) } == 2)
        #expect(machine { $0.forwardRequested() } == .start)
        // At the cap: the next packet waits and the socket is not read.
        #expect(machine { $0.packetArrived(3) } == nil)
        #expect(machine { !$0.readRequested() })
        #expect(machine { $0.nextBackloggedPacket() } == nil)

        machine { $0.requestFinished() }
        #expect(machine { $0.nextBackloggedPacket() } == 3)
        #expect(machine { $0.forwardRequested() } == .start)
        #expect(machine { !$0.releaseHeldRead() })
        machine { $0.requestFinished() }
        #expect(machine { $0.releaseHeldRead() })
        #expect(machine { !$0.releaseHeldRead() })
    }

    @Test func backlogKeepsArrivalOrder() {
        let machine = Box(maxInFlight: 1)
        #expect(machine { $0.forwardRequested() } == .start)
        for packet in 1...5 {
            #expect(machine { $0.packetArrived(packet) } == nil)
        }
        machine { $0.requestFinished() }
        var drained: [Int] = []
        while let packet = machine({ $0.nextBackloggedPacket() }) {
            drained.append(packet)
        }
        #expect(drained == [1, 2, 3, 4, 5])
    }

    @Test func aPacketArrivingBehindABacklogJoinsIt() {
        let machine = Box(maxInFlight: 1)
        #expect(machine { $0.forwardRequested() } == .start)
        #expect(machine { $0.packetArrived(1) } == nil)
        machine { $0.requestFinished() }
        #expect(machine { $0.packetArrived(2) } == nil)
        #expect(machine { $0.nextBackloggedPacket() } == 1)
        #expect(machine { $0.nextBackloggedPacket() } == 2)
    }

    @Test func waitingForAGatewaySlotHoldsPackets() {
        let machine = Box(maxInFlight: 8)
        #expect(machine { $0.forwardRequested() } == .start)
        machine { $0.waitForGatewaySlot("parked") }
        #expect(machine { $0.packetArrived(1) } == nil)
        #expect(machine { !$0.readRequested() })
        #expect(machine { $0.gatewaySlotGranted() } == "parked")
        #expect(machine { $0.nextBackloggedPacket() } == 1)
        #expect(machine { $0.releaseHeldRead() })
    }

    @Test func aSlotGrantedAfterCloseIsReturned() {
        let machine = Box(maxInFlight: 8)
        machine { $0.waitForGatewaySlot("parked") }
        _ = machine { $0.closed() }
        #expect(machine { $0.gatewaySlotGranted() } == nil)
    }

    @Test func unwritableOutputStopsReading() {
        let machine = Box(maxInFlight: 8)
        machine { $0.writabilityChanged(isWritable: false) }
        #expect(machine { !$0.readRequested() })
        #expect(machine { $0.packetArrived(1) } == nil)
        machine { $0.writabilityChanged(isWritable: true) }
        #expect(machine { $0.nextBackloggedPacket() } == 1)
        #expect(machine { $0.releaseHeldRead() })
    }

    @Test func closingDropsTheBacklogAndLaterPackets() {
        let machine = Box(maxInFlight: 1)
        #expect(machine { $0.forwardRequested() } == .start)
        #expect(machine { $0.packetArrived(1) } == nil)
        _ = machine { $0.closed() }
        machine { $0.requestFinished() }
        #expect(machine { $0.nextBackloggedPacket() } == nil)
        #expect(machine { $0.packetArrived(2) } == nil)
        #expect(machine { !$0.readRequested() })
    }

    @Test func outputBeyondTheCapClosesASlowReaderOnce() {
        let machine = Box(maxInFlight: 1, maxOutboundBytes: 1000)
        #expect(machine { $0.outputPending(1000) } == .none)
        #expect(machine { $0.outputPending(1001) } == .closeSlowReader)
        #expect(machine { $0.outputPending(5000) } == .none)
        #expect(machine { $0.closed() } == .cleanUp(reason: .slowReader, disconnect: .error))
        #expect(machine { $0.outputPending(5000) } == .none)
    }
}

/// Lifecycle, deadlines and the close reason, driven by deadlines made up for each test.
@Suite struct ConnectionLifecycleTests {
    typealias Machine = ConnectionStateMachineTests.Machine
    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    private func started(
        idleTimeout: Duration? = .seconds(60), maxAge: Duration? = nil, awaitingAdmission: Bool = false
    ) -> (ConnectionStateMachineTests.Box, Machine.Started) {
        let machine = ConnectionStateMachineTests.Box(maxInFlight: 4)
        let timers = machine {
            $0.started(now: start, idleTimeout: idleTimeout, maxAge: maxAge, awaitingAdmission: awaitingAdmission)
        }
        return (machine, timers)
    }

    @Test func startingSetsTheIdleCheckAndTheMaxAgeDeadlines() {
        #expect(started().1 == Machine.Started(idleCheck: start + .seconds(60), maxAge: nil))
        #expect(
            started(idleTimeout: nil, maxAge: .seconds(10)).1
                == Machine.Started(idleCheck: start + Machine.idleRecheck, maxAge: start + .seconds(10)))
    }

    @Test func anIdleConnectionClosesAtItsDeadlineAndAnActiveOneIsCheckedAgain() {
        let (machine, _) = started()
        machine { $0.active(now: start + .seconds(50)) }
        #expect(
            machine { $0.idleCheckDue(now: start + .seconds(60), idleTimeout: .seconds(60)) }
                == .checkAgain(at: start + .seconds(110)))
        #expect(machine { $0.idleCheckDue(now: start + .seconds(110), idleTimeout: .seconds(60)) } == .close)
        #expect(machine { $0.closed() } == .cleanUp(reason: .idleTimeout, disconnect: .idleTimeout))
        #expect(machine { $0.idleCheckDue(now: start + .seconds(500), idleTimeout: .seconds(60)) } == .none)
    }

    @Test func anIdleTimeoutSwitchedOffIsLookedAtAgainLater() {
        let (machine, _) = started(idleTimeout: nil)
        #expect(
            machine { $0.idleCheckDue(now: start + .seconds(30), idleTimeout: nil) }
                == .checkAgain(at: start + .seconds(30) + Machine.idleRecheck))
        // Switched on by a reload: counted from the last activity, not from the reload.
        #expect(machine { $0.idleCheckDue(now: start + .seconds(60), idleTimeout: .seconds(5)) } == .close)
    }

    @Test func aReadHeldForThePartialPacketBudgetWaitsForItsRecovery() {
        let (machine, _) = started()
        #expect(machine { !$0.readRequested(overPartialPacketBudget: true) })
        // Replies going out do not release it; only the budget's recovery does.
        #expect(machine { !$0.releaseHeldRead() })
        #expect(machine { $0.partialPacketBudgetRecovered() })
        #expect(machine { !$0.partialPacketBudgetRecovered() })
    }

    @Test func doexitIsSentOnceAndTheGraceDeadlineClosesTheConnection() {
        let (machine, _) = started()
        #expect(
            machine { $0.doexitRequested(cause: .adminClose, grace: .seconds(5), now: start) }
                == .sendDoexit(graceDeadline: start + .seconds(5)))
        #expect(machine { $0.isClosing })
        #expect(machine { $0.forwardRequested() } == .refuse("connection is closing"))
        #expect(machine { $0.doexitRequested(cause: .doexit, grace: .seconds(5), now: start) } == .alreadyClosing)
        #expect(machine { $0.graceExpired() } == .close(error: nil))
        #expect(machine { $0.graceExpired() } == .none)
        // Closed by the gateway after a doexit: the event gives the doexit's cause.
        #expect(machine { $0.closed() } == .cleanUp(reason: .doexitGraceExpired, disconnect: .adminClose))
        #expect(machine { $0.closed() } == .none)
    }

    @Test func aClientLeavingAfterDoexitLeftBecauseOfIt() {
        let (machine, _) = started()
        _ = machine { $0.doexitRequested(cause: .shutdown, grace: .seconds(5), now: start) }
        #expect(machine { $0.closed() } == .cleanUp(reason: .clientClosed, disconnect: .shutdown))
        #expect(machine { $0.graceExpired() } == .none)
    }

    @Test func theFirstCloseDecisionGivesTheReason() {
        let (machine, _) = started()
        #expect(machine { $0.closeRequested(.framingError, error: "bad length") } == .close(error: "bad length"))
        #expect(machine { $0.closeRequested(.adminClose) } == .none)
        #expect(machine { $0.outputPending(1 << 30) } == .none)
        #expect(machine { $0.doexitRequested(cause: .doexit, grace: .seconds(1), now: start) } == .alreadyClosing)
        #expect(machine { $0.closed() } == .cleanUp(reason: .framingError, disconnect: .error))
    }

    @Test func aClientClosingFirstIsClientClosed() {
        let (machine, _) = started()
        #expect(machine { $0.closed() } == .cleanUp(reason: .clientClosed, disconnect: .clientClosed))
        #expect(machine { $0.closeRequested(.adminClose) } == .none)
    }

    @Test func packetsWaitUnreadUntilTheBackendAdmitsTheConnection() {
        let (machine, _) = started(awaitingAdmission: true)
        #expect(machine { !$0.readRequested() })
        #expect(machine { $0.packetArrived(1) } == nil)
        #expect(machine { $0.admissionDecided(.admitted) } == .resume)
        #expect(machine { $0.nextBackloggedPacket() } == 1)
        #expect(machine { $0.releaseHeldRead() })
    }

    @Test func aRefusalClosesWithTheBackendsReason() {
        let (machine, _) = started(awaitingAdmission: true)
        #expect(
            machine { $0.admissionDecided(.refused("HTTP 403")) }
                == .close(error: "connection refused by the backend: HTTP 403"))
        #expect(machine { $0.closed() } == .cleanUp(reason: .admissionRefused, disconnect: .refused))
        #expect(machine { $0.admissionDecided(.admitted) } == .none)
    }
}
