import Testing

@testable import GatewayCluster

@Suite struct PendingCommandsTests {
    typealias Table = PendingCommands<String, ContinuousClock.Instant>
    let start = ContinuousClock.now

    @Test func aReplyFindsItsWaiterOnce() {
        var table = Table()
        let (first, _) = table.add("a", deadline: start + .seconds(5))
        let (second, _) = table.add("b", deadline: start + .seconds(5))
        #expect(first != second)
        let answered = table.answer(second)
        let again = table.answer(second)
        let other = table.answer(first)
        #expect(answered == "b")
        #expect(again == nil)
        #expect(other == "a")
        #expect(table.count == 0)
    }

    @Test func aReplyNoOneAskedForFindsNothing() {
        var table = Table()
        let unknown = table.answer(99)
        #expect(unknown == nil)
    }

    @Test func theTimerMovesOnlyToAnEarlierDeadline() {
        var table = Table()
        let first = table.add("a", deadline: start + .seconds(5))
        let later = table.add("b", deadline: start + .seconds(9))
        let earlier = table.add("c", deadline: start + .seconds(2))
        #expect(first.armTimer == start + .seconds(5))
        #expect(later.armTimer == nil)
        #expect(earlier.armTimer == start + .seconds(2))
    }

    @Test func expiryHandsBackOnlyWaitersPastTheirDeadlineAndArmsForTheNext() {
        var table = Table()
        _ = table.add("a", deadline: start + .seconds(2))
        _ = table.add("b", deadline: start + .seconds(5))
        let (c, _) = table.add("c", deadline: start + .seconds(9))

        let early = table.expire(now: start + .seconds(1))
        #expect(early.expired.isEmpty)
        #expect(early.armTimer == start + .seconds(2))

        let due = table.expire(now: start + .seconds(5))
        #expect(due.expired.sorted() == ["a", "b"])
        #expect(due.armTimer == start + .seconds(9))

        let answered = table.answer(c)
        #expect(answered == "c")
        let last = table.expire(now: start + .seconds(9))
        #expect(last.expired.isEmpty)
        #expect(last.armTimer == nil)
        // With the timer disarmed, the next command arms it again.
        let rearmed = table.add("d", deadline: start + .seconds(20))
        #expect(rearmed.armTimer == start + .seconds(20))
    }

    @Test func aLateReplyAfterExpiryFindsNothing() {
        var table = Table()
        let (id, _) = table.add("a", deadline: start + .seconds(1))
        let expired = table.expire(now: start + .seconds(1))
        let late = table.answer(id)
        #expect(expired.expired == ["a"])
        #expect(late == nil)
    }
}
