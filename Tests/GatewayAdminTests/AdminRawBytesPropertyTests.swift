import GatewayAdmin
import GatewayTestSupport
import Testing

/// Whatever bytes arrive on the admin port, the server answers with well-formed HTTP or closes
/// the connection, and keeps answering a well-formed request afterwards.
@Suite(.timeLimit(.minutes(1)))
struct AdminRawBytesPropertyTests {
    /// Pieces of requests, valid and not, that the generator strings together.
    private static let fragments: [String] = [
        "GET /healthz HTTP/1.1\r\n", "GET /connections?limit=2 HTTP/1.1\r\n", "POST /messages HTTP/1.1\r\n",
        "DELETE /connections/7 HTTP/1.1\r\n", "BREW /pot HTTP/1.1\r\n", "GET /%zz%00 HTTP/1.1\r\n",
        "GET / HTTP/9.9\r\n", "GET\r\n", "Host: admin\r\n", "Content-Length: 5\r\n", "Content-Length: -1\r\n",
        "Content-Length: 99999999999999999999\r\n", "Transfer-Encoding: chunked\r\n", "Connection: close\r\n",
        "Authorization: Bearer x\r\n", "Content-Type: application/json\r\n", "X: \u{1B}[2J\r\n", ": no name\r\n",
        "\r\n", "\n", "\r", "5\r\nhello\r\n0\r\n\r\n", "zz\r\n", #"{"act":"a","data":"b"}"#, "{", "\u{0}",
        String(repeating: "A", count: 9000),
    ]

    @Test func arbitraryBytesGetWellFormedAnswersOrACloseAndTheServerKeepsAnswering() async throws {
        let limits = AdminConnectionLimits(headerTimeout: .milliseconds(200), idleTimeout: .milliseconds(200))
        try await withAdminListener(limits: limits) { port in
            var random = SplitMix64(seed: 0x6774_6370)
            let deadline = ContinuousClock.now + .seconds(30)
            var sent = 0
            while sent < 400 && ContinuousClock.now < deadline {
                let batch = (0..<16).map { _ in Self.input(&random) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for input in batch {
                        group.addTask {
                            let connection = try await RawConnection.connect(port: port)
                            let received = try await connection.sendAndReadUntilClosed(input)
                            let answer = String(decoding: received.prefix(13), as: UTF8.self)
                            let statusLine = #/HTTP/1\.1 [1-5]\d\d /#
                            #expect(
                                received.isEmpty || answer.wholeMatch(of: statusLine) != nil,
                                "\(input.count) bytes \(String(decoding: input.prefix(200), as: UTF8.self).debugDescription) got \(answer.debugDescription)"
                            )
                        }
                    }
                    try await group.waitForAll()
                }
                sent += batch.count
            }
            #expect(sent >= 100, "only \(sent) inputs in 30s")
            #expect(try await RawConnection.get("/healthz", port: port).hasPrefix("HTTP/1.1 200 OK\r\n"))
        }
    }

    /// One to eight fragments, each sometimes cut short or followed by random bytes.
    private static func input(_ random: inout SplitMix64) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0...random.next(below: 8) {
            var fragment = Array(fragments[random.next(below: fragments.count)].utf8)
            if random.next(below: 4) == 0 {
                fragment = Array(fragment.prefix(random.next(below: fragment.count + 1)))
            }
            bytes += fragment
            if random.next(below: 6) == 0 {
                bytes += (0..<random.next(below: 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
        }
        return bytes
    }
}

/// A small seeded generator, so a failing input comes back on every run.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
