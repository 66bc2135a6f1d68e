import Foundation
import Hummingbird

/// One lifecycle event as a receiver decodes it.
struct ReceivedEvent: Decodable, Sendable, Equatable {
    let event: String
    let connectionId: UInt64
    let remoteAddress: String
    let clientName: String?
    let reason: String?
    let time: String
    let sequence: UInt64
}

/// What an events receiver got, in arrival order; tests wait on it rather than on time.
actor EventLog {
    private(set) var events: [ReceivedEvent] = []
    private var waiters: [Waiter] = []

    private struct Waiter {
        let count: Int
        let matches: @Sendable (ReceivedEvent) -> Bool
        let continuation: CheckedContinuation<[ReceivedEvent], Never>
    }

    /// A receiver at `POST /events` that records each event, then answers as `answer` says.
    nonisolated func router(
        answer: @escaping @Sendable (ReceivedEvent) async -> HTTPResponse.Status = { _ in .noContent }
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/events") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            let event = try JSONDecoder().decode(ReceivedEvent.self, from: Data(body.readableBytesView))
            await self.record(event)
            return Response(status: await answer(event))
        }
        return router
    }

    /// Waits until `count` events match, and returns the first `count` of them.
    func waitFor(
        _ count: Int = 1,
        where matches: @escaping @Sendable (ReceivedEvent) -> Bool = { _ in true }
    ) async -> [ReceivedEvent] {
        let found = events.filter(matches)
        if found.count >= count {
            return Array(found.prefix(count))
        }
        return await withCheckedContinuation { waiters.append(Waiter(count: count, matches: matches, continuation: $0)) }
    }

    /// The reason of connection `id`'s `disconnected` event, once it came.
    func disconnectReason(of id: UInt64) async -> String? {
        await waitFor { $0.event == "disconnected" && $0.connectionId == id }.first?.reason
    }

    private func record(_ event: ReceivedEvent) {
        events.append(event)
        waiters.removeAll { waiter in
            let found = events.filter(waiter.matches)
            guard found.count >= waiter.count else { return false }
            waiter.continuation.resume(returning: Array(found.prefix(waiter.count)))
            return true
        }
    }
}
