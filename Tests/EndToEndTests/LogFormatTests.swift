import Foundation
import Testing

/// What `serve` writes to standard error: JSON lines, or journal lines under journald.
@Suite(.timeLimit(.minutes(1)))
struct LogFormatTests {
    /// Starts `serve`, has one client say hello, stops it, and returns every output line.
    private func linesOfARun(_ arguments: [String] = [], journalStream: Bool = false) async throws -> [String] {
        let server = try GatewayProcess(
            ["serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"] + arguments,
            journalStream: journalStream)
        let port = try await server.port(announcedBy: "gtcp listener on")
        let client = try await TestConnection(port: port)
        _ = try await client.hello(name: "a \"quoted\"\nname")
        await client.close()
        _ = await server.line(containing: "client closed")
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
        return server.output
    }

    @Test func jsonLinesParseAsJSONObjects() async throws {
        let lines = try await linesOfARun(["--log-format", "json"])
        #expect(lines.count >= 5)
        var messages: [String] = []
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(object["time"] is String && object["level"] is String, "\(line)")
            messages.append(try #require(object["message"] as? String))
        }
        #expect(messages.contains { $0.hasPrefix("gtcp listener on 127.0.0.1:") })
        #expect(messages.contains { $0.hasSuffix(": a \"quoted\"\nname") }, "the hello line keeps its text inside one line")
        // Every line written before the exit reaches the pipe: the SIGTERM notice through "stopped".
        #expect(messages.contains { $0.hasPrefix("SIGTERM: shutting down gracefully") }, "\(messages)")
        #expect(messages.last == "stopped")
    }

    @Test func underJournaldLinesCarryAPriorityAndNoTimestamp() async throws {
        let lines = try await linesOfARun(journalStream: true)
        #expect(lines.contains("<6>ready"))
        // The hello's name holds a newline, written as `\n`: the record stays one line.
        #expect(lines.allSatisfy { $0.wholeMatch(of: /<[2-7]>.*/) != nil }, "\(lines)")
        #expect(lines.contains { $0.hasSuffix(#": a "quoted"\nname"#) }, "\(lines)")
        #expect(!lines.contains { $0.contains(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/) })
    }

    @Test func aJournalStreamOfAnotherStreamKeepsTimestamps() async throws {
        let server = try GatewayProcess(
            ["serve", "--listen", "127.0.0.1:0", "--admin-listen", "off"], environment: ["JOURNAL_STREAM": "1:1"])
        _ = try await server.port(announcedBy: "gtcp listener on")
        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
        #expect(server.output.allSatisfy { $0.prefixMatch(of: #/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} /#) != nil }, "\(server.output)")
    }
}
