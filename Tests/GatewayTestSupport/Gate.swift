/// Holds requests until opened, and reports each request that starts waiting.
public actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    public private(set) var concurrent = 0
    public private(set) var maxConcurrent = 0
    public nonisolated let arrivals: AsyncStream<Void>
    private let arrivalContinuation: AsyncStream<Void>.Continuation

    public init() {
        (arrivals, arrivalContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    public func pass() async {
        concurrent += 1
        maxConcurrent = max(maxConcurrent, concurrent)
        arrivalContinuation.yield()
        if !isOpen {
            await withCheckedContinuation { waiting.append($0) }
        }
        concurrent -= 1
    }

    public func open() {
        isOpen = true
        waiting.forEach { $0.resume() }
        waiting.removeAll()
    }
}
