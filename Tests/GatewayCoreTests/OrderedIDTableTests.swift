import Testing

@testable import GatewayCore

@Suite struct OrderedIDTableTests {
    private func ids(of table: OrderedIDTable<String>, after cursor: ConnectionID? = nil, limit: Int = .max) -> [ConnectionID] {
        var out: [ConnectionID] = []
        table.forEach(after: cursor) { id, _ in
            out.append(id)
            return out.count < limit
        }
        return out
    }

    @Test func pagesWalkInIDOrderFromTheCursor() {
        var table = OrderedIDTable<String>()
        for id in stride(from: 1, through: 99, by: 2) {
            table.append("c\(id)", for: ConnectionID(id))
        }
        #expect(ids(of: table, limit: 3) == [1, 3, 5])
        #expect(ids(of: table, after: 5, limit: 3) == [7, 9, 11])
        #expect(ids(of: table, after: 6, limit: 2) == [7, 9])
        #expect(ids(of: table, after: 99) == [])
        #expect(table[7] == "c7")
        #expect(table[8] == nil)
    }

    @Test func removalKeepsOrderAcrossCompaction() {
        var table = OrderedIDTable<String>()
        for id in 1...1000 {
            table.append("c\(id)", for: ConnectionID(id))
        }
        for id in 1...1000 where id % 10 != 0 {
            #expect(table.remove(ConnectionID(id)) == "c\(id)")
        }
        #expect(table.count == 100)
        #expect(ids(of: table) == (1...100).map { ConnectionID($0 * 10) })
        #expect(table.remove(11) == nil)
        #expect(table[500] == "c500")
        table.append("c1001", for: 1001)
        #expect(ids(of: table, after: 990) == [1000, 1001])
    }
}
