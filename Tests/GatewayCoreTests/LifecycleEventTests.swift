import Foundation
import GatewayUpstream
import Testing

@testable import GatewayCore

@Suite struct LifecycleEventTests {
    @Test func jsonHasTheDocumentedFieldsAndLeavesOutTheAbsentOnes() throws {
        let time = Date(timeIntervalSince1970: 1_738_314_902.125)
        var connected = LifecycleEvent(kind: .connected, connectionID: 7, remoteAddress: "127.0.0.1:5000", time: time)
        connected.sequence = 41
        #expect(
            connected.json
                == #"{"event":"connected","connectionId":7,"remoteAddress":"127.0.0.1:5000","time":"2025-01-31T09:15:02.125Z","sequence":41}"#
        )

        let disconnected = LifecycleEvent(
            kind: .disconnected, connectionID: 7, remoteAddress: "[::1]:5000", clientName: "a\"<b>", reason: .idleTimeout,
            time: time)
        let object = try #require(
            JSONSerialization.jsonObject(with: Data(disconnected.json.utf8)) as? [String: Any])
        #expect(object["clientName"] as? String == "a\"<b>")
        #expect(object["reason"] as? String == "idle_timeout")
        #expect(Set(object.keys) == ["event", "connectionId", "remoteAddress", "clientName", "reason", "time", "sequence"])
    }

    @Test(arguments: [
        (CloseReason.clientClosed, DisconnectReason?.none, DisconnectReason.clientClosed),
        (.clientClosed, .doexit, .doexit),
        (.clientClosed, .shutdown, .shutdown),
        (.idleTimeout, nil, .idleTimeout),
        (.doexitGraceExpired, .doexit, .doexit),
        (.doexitGraceExpired, .shutdown, .shutdown),
        (.adminClose, nil, .adminClose),
        (.adminClose, .doexit, .adminClose),
        (.framingError, nil, .error),
        (.connectionError, nil, .error),
        (.shutdown, nil, .shutdown),
        (.admissionRefused, nil, .refused),
    ])
    func closeReasonsMapToTheEventsReasons(closed: CloseReason, exitCause: DisconnectReason?, expected: DisconnectReason) {
        #expect(DisconnectReason(closed, exitCause: exitCause) == expected)
    }

    @Test(arguments: [
        (HTTPPostResult.answered(status: 200), false, EventDelivery.delivered(.admitted)),
        (.answered(status: 204), true, .delivered(.admitted)),
        (.answered(status: 403), true, .delivered(.refused("HTTP 403"))),
        (.answered(status: 403), false, .failed(problem: "HTTP 403", retryable: false)),
        (.answered(status: 503), true, .failed(problem: "HTTP 503", retryable: true)),
        (.answered(status: 429), false, .failed(problem: "HTTP 429", retryable: true)),
        (.failed("Couldn't connect to server"), true, .failed(problem: "Couldn't connect to server", retryable: true)),
    ])
    func answersAreSortedIntoDeliveredRetriedAndGivenUp(result: HTTPPostResult, isHook: Bool, expected: EventDelivery) {
        #expect(EventDelivery(result, isHook: isHook) == expected)
    }

    @Test func pausesBetweenTriesDouble() {
        let retry = EventRetry.standard
        #expect((1..<retry.attempts).map(retry.backoff.pause(after:)) == [.milliseconds(250), .milliseconds(500), .seconds(1)])
    }
}
