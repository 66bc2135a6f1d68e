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
        machine { $0.requestStarted() }
        #expect(machine { $0.packetArrived(2) } == 2)
        machine { $0.requestStarted() }
        // At the cap: the next packet waits and the socket is not read.
        #expect(machine { $0.packetArrived(3) } == nil)
        #expect(machine { !$0.readRequested() })
        #expect(machine { $0.nextBackloggedPacket() } == nil)

        machine { $0.requestFinished() }
        #expect(machine { $0.nextBackloggedPacket() } == 3)
        machine { $0.requestStarted() }
        #expect(machine { !$0.releaseHeldRead() })
        machine { $0.requestFinished() }
        #expect(machine { $0.releaseHeldRead() })
        #expect(machine { !$0.releaseHeldRead() })
    }

    @Test func backlogKeepsArrivalOrder() {
        let machine = Box(maxInFlight: 1)
        machine { $0.requestStarted() }
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
        machine { $0.requestStarted() }
        #expect(machine { $0.packetArrived(1) } == nil)
        machine { $0.requestFinished() }
        #expect(machine { $0.packetArrived(2) } == nil)
        #expect(machine { $0.nextBackloggedPacket() } == 1)
        #expect(machine { $0.nextBackloggedPacket() } == 2)
    }

    @Test func waitingForAGatewaySlotHoldsPackets() {
        let machine = Box(maxInFlight: 8)
        machine { $0.requestStarted() }
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
        machine { $0.closed() }
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

    @Test func doexitIsSentOnce() {
        let machine = Box(maxInFlight: 1)
        #expect(machine { $0.doexitRequested() } == .sendDoexit)
        #expect(machine { $0.isClosing })
        #expect(machine { $0.doexitRequested() } == .alreadyExiting)
        machine { $0.closed() }
        #expect(machine { $0.doexitRequested() } == .alreadyClosed)
    }

    @Test func closingDropsTheBacklogAndLaterPackets() {
        let machine = Box(maxInFlight: 1)
        machine { $0.requestStarted() }
        #expect(machine { $0.packetArrived(1) } == nil)
        machine { $0.closed() }
        machine { $0.requestFinished() }
        #expect(machine { $0.nextBackloggedPacket() } == nil)
        #expect(machine { $0.packetArrived(2) } == nil)
        #expect(machine { !$0.readRequested() })
    }

    @Test func outputBeyondTheCapClosesASlowReaderOnce() {
        let machine = Box(maxInFlight: 1, maxOutboundBytes: 1000)
        #expect(machine { $0.outputPending(1000) } == .none)
        #expect(machine { $0.outputPending(1001) } == .closeSlowReader)
        machine { $0.closed() }
        #expect(machine { $0.outputPending(5000) } == .none)
    }
}
