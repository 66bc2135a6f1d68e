import GatewayCore
import GtcpWire
import NIOPosix
import Testing

@Suite struct ConnectionIDLayoutTests {
    @Test func singleGatewayIdsAreThePlainCounter() {
        #expect(ConnectionIDLayout.id(incarnation: 0, counter: 42) == 42)
    }

    @Test func incarnationAndCounterComeBackOut() {
        let id = ConnectionIDLayout.id(incarnation: 524_287, counter: ConnectionIDLayout.maxCounter)
        #expect(ConnectionIDLayout.incarnation(of: id) == 524_287)
        #expect(ConnectionIDLayout.counter(of: id) == ConnectionIDLayout.maxCounter)
    }

    /// The cluster directory keeps ids as PostgreSQL `bigint`s and pages in their order.
    @Test func theLargestIdIsTheLargestBigint() {
        #expect(ConnectionIDLayout.maxIncarnation == 524_287)
        let largest = ConnectionIDLayout.id(
            incarnation: ConnectionIDLayout.maxIncarnation, counter: ConnectionIDLayout.maxCounter)
        #expect(largest == UInt64(Int64.max))
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
