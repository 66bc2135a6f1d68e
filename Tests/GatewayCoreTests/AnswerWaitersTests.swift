import Testing

@testable import GatewayCore

@Suite struct AnswerWaitersTests {
    @Test func answersGoToTheOldestWaiterOfTheirAct() {
        var waiters = AnswerWaiters<String>(capacity: 8)
        #expect(waiters.add(for: "status") { _ in "first" } == true)
        #expect(waiters.add(for: "other") { _ in "other" } == true)
        #expect(waiters.add(for: "status") { _ in "second" } == true)

        #expect(waiters.take(for: "status") == "first")
        #expect(waiters.take(for: "status") == "second")
        #expect(waiters.take(for: "status") == nil)
        #expect(waiters.take(for: "other") == "other")
        #expect(waiters.isEmpty)
    }

    @Test func aTimedOutWaiterLeavesAndALateRemoveFindsNothing() {
        var waiters = AnswerWaiters<String>(capacity: 8)
        var serials: [UInt64] = []
        for name in ["a", "b", "c"] {
            let added = waiters.add(for: "status") { serial in
                serials.append(serial)
                return name
            }
            #expect(added)
        }
        #expect(waiters.remove(serials[1], for: "status") == "b")
        #expect(waiters.remove(serials[1], for: "status") == nil)
        #expect(waiters.remove(serials[0], for: "other") == nil)
        #expect(waiters.count == 2)
        #expect(waiters.take(for: "status") == "a")
        #expect(waiters.take(for: "status") == "c")
    }

    @Test func atCapacityNothingIsBuiltOrAdded() {
        var waiters = AnswerWaiters<Int>(capacity: 2)
        #expect(waiters.add(for: "x") { _ in 1 } == true)
        #expect(waiters.add(for: "y") { _ in 2 } == true)
        var built = false
        let added = waiters.add(for: "x") { _ in
            built = true
            return 3
        }
        #expect(!added && !built)
        #expect(waiters.count == 2)
    }

    @Test func removeAllEmptiesTheTable() {
        var waiters = AnswerWaiters<Int>(capacity: 4)
        for (index, act) in ["x", "y", "x"].enumerated() {
            _ = waiters.add(for: act) { _ in index }
        }
        #expect(waiters.removeAll().sorted() == [0, 1, 2])
        #expect(waiters.isEmpty)
        #expect(waiters.take(for: "x") == nil)
    }
}
