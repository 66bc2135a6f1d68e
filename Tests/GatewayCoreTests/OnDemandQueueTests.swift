import Testing

@testable import GatewayCore

@Suite struct OnDemandQueueTests {
    @Test func elementsLeaveInTheOrderTheyCameAndAreReachedByOffset() {
        var queue = OnDemandQueue<Int>()
        #expect(queue.isEmpty && queue.first == nil && queue.popFirst() == nil)
        for value in 1...6 {
            queue.append(value)
        }
        queue[offset: 2] = 30
        #expect(queue.count == 6 && queue[offset: 5] == 6)
        #expect([queue.popFirst(), queue.popFirst(), queue.popFirst()] == [1, 2, 30])
        queue.removeAll()
        #expect(queue.isEmpty && queue.popFirst() == nil)
    }
}
