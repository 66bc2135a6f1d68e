import Testing

@testable import GatewayCore

@Suite struct ReplySequencerTests {
    @Test func repliesLeaveInRequestOrderWhateverOrderTheyAreReady() {
        var sequencer = ReplySequencer<String>()
        let first = sequencer.reserve()
        let second = sequencer.reserve()
        let third = sequencer.reserve()
        var out: [String] = []

        sequencer.fill(third, with: "c") { out.append($0) }
        #expect(out == [])
        sequencer.fill(first, with: "a") { out.append($0) }
        #expect(out == ["a"])
        sequencer.fill(second, with: "b") { out.append($0) }
        #expect(out == ["a", "b", "c"])
        #expect(sequencer.isEmpty)
    }

    @Test func anEmptySlotReleasesTheRepliesBehindIt() {
        var sequencer = ReplySequencer<String>()
        let first = sequencer.reserve()
        let second = sequencer.reserve()
        var out: [String] = []
        sequencer.fill(second, with: "b") { out.append($0) }
        sequencer.fill(first, with: nil) { out.append($0) }
        #expect(out == ["b"])
    }

    @Test func anImmediateReplyWaitsBehindEarlierOnes() {
        var sequencer = ReplySequencer<String>()
        var out: [String] = []
        sequencer.append("now") { out.append($0) }
        #expect(out == ["now"])

        let pending = sequencer.reserve()
        sequencer.append("later") { out.append($0) }
        #expect(out == ["now"])
        sequencer.fill(pending, with: "pending") { out.append($0) }
        #expect(out == ["now", "pending", "later"])
    }

    @Test(arguments: [1, 2, 16, 200])
    func everyPermutationOfCompletionKeepsOrder(count: Int) {
        var sequencer = ReplySequencer<Int>()
        let sequences = (0..<count).map { _ in sequencer.reserve() }
        var out: [Int] = []
        var generator = SystemRandomNumberGenerator()
        for (index, sequence) in zip(0..., sequences).shuffled(using: &generator) {
            sequencer.fill(sequence, with: index) { out.append($0) }
        }
        #expect(out == Array(0..<count))
    }
}
