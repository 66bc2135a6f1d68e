import GatewayUpstream
import NIOCore
import Testing

@testable import GatewayCore

@Suite struct UpstreamAnswersTests {
    private func answer(_ sequence: UInt64) -> UpstreamAnswers.Answer {
        UpstreamAnswers.Answer(
            request: UpstreamRequest(
                act: "a", data: "", connectionID: 1, remoteAddress: "127.0.0.1:1", requestID: "r\(sequence)"),
            sequence: sequence, outcome: .noReply, started: .now())
    }

    @Test func onlyTheFirstAnswerSinceTheLastTakeAsksForATask() {
        let answers = UpstreamAnswers()
        #expect(answers.add(answer(1)))
        #expect(!answers.add(answer(2)))
        #expect(!answers.add(answer(3)))
        #expect(answers.takeAll().map(\.sequence) == [1, 2, 3])
        #expect(answers.takeAll().isEmpty)
        #expect(answers.add(answer(4)))
        #expect(answers.takeAll().map(\.sequence) == [4])
    }
}
