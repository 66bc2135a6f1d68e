@testable import GatewayBench
import Testing

@Suite("Rate pacing")
struct RatePacerTests {
    @Test("messages come due at the rate, the first at the start, never beyond the budget")
    func due() {
        var pacer = RatePacer(rate: 1_000, start: 5_000_000_000, budget: 10)
        #expect(pacer.due(at: 4_000_000_000) == 1)
        #expect(pacer.due(at: 5_000_000_000) == 1)
        #expect(pacer.due(at: 5_002_500_000) == 3)
        pacer.issued = 3
        #expect(pacer.due(at: 5_002_500_000) == 0)
        #expect(pacer.nextDue == 5_003_000_000)
        #expect(pacer.due(at: 6_000_000_000) == 7)
    }
}
