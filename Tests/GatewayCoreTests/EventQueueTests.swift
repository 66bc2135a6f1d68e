import Testing

@testable import GatewayCore

@Suite struct EventQueueTests {
    @Test func oneConnectionsEventsLeaveOneAtATimeInOrder() {
        var queue = EventQueue<String>(capacity: 10, maxSending: 10)
        for event in ["connected", "hello", "disconnected"] {
            #expect(queue.append(event, for: 1) == true)
        }
        #expect(queue.next()?.event == "connected")
        // The next one waits until the first is done with.
        #expect(queue.next() == nil)
        queue.finished(1)
        #expect(queue.next()?.event == "hello")
        queue.finished(1)
        #expect(queue.next()?.event == "disconnected")
        queue.finished(1)
        #expect(queue.isEmpty)
    }

    @Test func differentConnectionsGoSideBySideUpToTheLimit() {
        var queue = EventQueue<String>(capacity: 10, maxSending: 2)
        #expect(queue.append("a1", for: 1) == true)
        #expect(queue.append("a2", for: 1) == true)
        #expect(queue.append("b1", for: 2) == true)
        #expect(queue.append("c1", for: 3) == true)
        #expect(queue.next()! == (1, "a1"))
        #expect(queue.next()! == (2, "b1"))
        #expect(queue.next() == nil)
        #expect(queue.sending == 2)
        queue.finished(1)
        // Connection 3 was ready before connection 1 became ready again.
        #expect(queue.next()! == (3, "c1"))
        queue.finished(2)
        #expect(queue.next()! == (1, "a2"))
    }

    @Test func everyHeldEventCountsAgainstTheCapacity() {
        var queue = EventQueue<String>(capacity: 2, maxSending: 8)
        #expect(queue.append("a", for: 1) == true)
        _ = queue.next()
        #expect(queue.append("b", for: 2) == true)
        #expect(queue.append("c", for: 3) == false)
        queue.finished(1)
        #expect(queue.append("c", for: 3) == true)
        #expect(queue.held == 2)
    }

    @Test func removingTheWaitingOnesLeavesThoseBeingSent() {
        var queue = EventQueue<String>(capacity: 10, maxSending: 1)
        #expect(queue.append("a1", for: 1) == true)
        #expect(queue.append("a2", for: 1) == true)
        #expect(queue.append("b1", for: 2) == true)
        #expect(queue.next()?.event == "a1")
        #expect(queue.removeWaiting().sorted() == ["a2", "b1"])
        #expect(queue.held == 1)
        queue.finished(1)
        #expect(queue.next() == nil)
        #expect(queue.isEmpty)
    }
}
