@testable import GatewayAdmin
import Testing

/// Past the cap, the connection waiting longest without a request gives way; one in a request never does.
@Suite struct AdminSlotTableTests {
    private final class Connection {}
    /// Kept alive so that their identifiers stay distinct.
    private let connections = [Connection(), Connection(), Connection()]
    private var a: ObjectIdentifier { ObjectIdentifier(connections[0]) }
    private var b: ObjectIdentifier { ObjectIdentifier(connections[1]) }
    private var c: ObjectIdentifier { ObjectIdentifier(connections[2]) }

    @Test func oldestWaitingConnectionGivesWayToANewOne() {
        var table = AdminSlotTable(capacity: 2)
        #expect(table.opened(a) == nil)
        #expect(table.opened(b) == nil)
        #expect(table.opened(c) == a)
        // a left when it was chosen, before its close completes.
        #expect(table.opened(a) == b)
    }

    @Test func connectionInARequestIsPassedOverAndWaitsAgainFromItsResponse() {
        var table = AdminSlotTable(capacity: 2)
        _ = table.opened(a)
        _ = table.opened(b)
        table.requestStarted(a)
        #expect(table.opened(c) == b)
        table.requestFinished(a)
        #expect(table.opened(b) == c)
    }

    @Test func whenEveryOtherConnectionIsInARequestTheNewOneGivesWay() {
        var table = AdminSlotTable(capacity: 1)
        _ = table.opened(a)
        table.requestStarted(a)
        #expect(table.opened(b) == b)
    }
}
