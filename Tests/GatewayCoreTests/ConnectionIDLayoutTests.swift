import GatewayCore
import GtcpWire
import NIOPosix
import Testing

@Suite struct ConnectionIDLayoutTests {
    @Test func singleGatewayIdsAreThePlainCounter() {
        #expect(ConnectionIDLayout.id(incarnation: 0, counter: 42) == 42)
    }

    @Test func incarnationAndCounterComeBackOut() {
        let id = ConnectionIDLayout.id(incarnation: 1_048_575, counter: ConnectionIDLayout.maxCounter)
        #expect(ConnectionIDLayout.incarnation(of: id) == 1_048_575)
        #expect(ConnectionIDLayout.counter(of: id) == ConnectionIDLayout.maxCounter)
        #expect(id == UInt64.max)
    }
}

@Suite struct RegistryIncarnationTests {
    @Test func aRegistryKnowsOnlyIdsOfItsOwnIncarnation() async {
        let registry = ConnectionRegistry(group: MultiThreadedEventLoopGroup.singleton, incarnation: 7)
        #expect(registry.issued(ConnectionIDLayout.id(incarnation: 7, counter: 1)))
        #expect(!registry.issued(ConnectionIDLayout.id(incarnation: 8, counter: 1)))
        #expect(!registry.issued(ConnectionIDLayout.id(incarnation: 7, counter: 0)))
        #expect(await registry.push(Msg(act: "x"), to: ConnectionIDLayout.id(incarnation: 8, counter: 1)) == .notFound)
    }
}
