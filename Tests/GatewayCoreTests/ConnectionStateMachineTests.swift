import Testing

@testable import GatewayCore

@Suite struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine<Int, String>

    @Test func packetsFlowWhileUnderTheCap() {
        var machine = Machine(maxInFlight: 2)
        #expect(machine.readRequested())
        #expect(machine.packetArrived(1) == 1)
        machine.requestStarted()
        #expect(machine.packetArrived(2) == 2)
        machine.requestStarted()
        // At the cap: the next packet waits and the socket is not read.
        #expect(machine.packetArrived(3) == nil)
        #expect(!machine.readRequested())
        #expect(machine.nextBackloggedPacket() == nil)

        machine.requestFinished()
        #expect(machine.nextBackloggedPacket() == 3)
        machine.requestStarted()
        #expect(!machine.releaseHeldRead())
        machine.requestFinished()
        #expect(machine.releaseHeldRead())
        #expect(!machine.releaseHeldRead())
    }

    @Test func backlogKeepsArrivalOrder() {
        var machine = Machine(maxInFlight: 1)
        machine.requestStarted()
        for packet in 1...5 {
            #expect(machine.packetArrived(packet) == nil)
        }
        machine.requestFinished()
        var drained: [Int] = []
        while let packet = machine.nextBackloggedPacket() {
            drained.append(packet)
        }
        #expect(drained == [1, 2, 3, 4, 5])
    }

    @Test func aPacketArrivingBehindABacklogJoinsIt() {
        var machine = Machine(maxInFlight: 1)
        machine.requestStarted()
        #expect(machine.packetArrived(1) == nil)
        machine.requestFinished()
        #expect(machine.packetArrived(2) == nil)
        #expect(machine.nextBackloggedPacket() == 1)
        #expect(machine.nextBackloggedPacket() == 2)
    }

    @Test func waitingForAGatewaySlotHoldsPackets() {
        var machine = Machine(maxInFlight: 8)
        machine.requestStarted()
        machine.waitForGatewaySlot("parked")
        #expect(machine.packetArrived(1) == nil)
        #expect(!machine.readRequested())
        #expect(machine.gatewaySlotGranted() == "parked")
        #expect(machine.nextBackloggedPacket() == 1)
        #expect(machine.releaseHeldRead())
    }

    @Test func aSlotGrantedAfterCloseIsReturned() {
        var machine = Machine(maxInFlight: 8)
        machine.waitForGatewaySlot("parked")
        machine.closed()
        #expect(machine.gatewaySlotGranted() == nil)
    }

    @Test func unwritableOutputStopsReading() {
        var machine = Machine(maxInFlight: 8)
        machine.writabilityChanged(isWritable: false)
        #expect(!machine.readRequested())
        #expect(machine.packetArrived(1) == nil)
        machine.writabilityChanged(isWritable: true)
        #expect(machine.nextBackloggedPacket() == 1)
        #expect(machine.releaseHeldRead())
    }

    @Test func doexitIsSentOnce() {
        var machine = Machine(maxInFlight: 1)
        #expect(machine.doexitRequested() == .sendDoexit)
        #expect(machine.isClosing)
        #expect(machine.doexitRequested() == .alreadyExiting)
        machine.closed()
        #expect(machine.doexitRequested() == .alreadyClosed)
    }

    @Test func closingDropsTheBacklogAndLaterPackets() {
        var machine = Machine(maxInFlight: 1)
        machine.requestStarted()
        #expect(machine.packetArrived(1) == nil)
        machine.closed()
        machine.requestFinished()
        #expect(machine.nextBackloggedPacket() == nil)
        #expect(machine.packetArrived(2) == nil)
        #expect(!machine.readRequested())
    }
}
