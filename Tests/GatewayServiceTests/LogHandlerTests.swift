import Foundation
import GatewayService
import Logging
import Testing

/// Captures what the handler writes through a real pipe.
private final class Pipe: Sendable {
    let readEnd: CInt
    let writeEnd: CInt

    init() {
        var ends: [CInt] = [0, 0]
        precondition(pipe(&ends) == 0)
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// What one write put in the pipe (the handler writes each record at once).
    func readWrite() -> String {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
        return String(decoding: buffer[..<max(count, 0)], as: UTF8.self)
    }
}

@Suite struct LogHandlerTests {
    private func logger(_ format: LogFormat, journal: Bool = false, level: SharedLogLevel = SharedLogLevel(.info))
        -> (Logger, Pipe)
    {
        let pipe = Pipe()
        let output = LogOutput(fileDescriptor: pipe.writeEnd, isJournal: journal)
        var logger = Logger(label: "test") { _ in GatewayLogHandler(format: format, level: level, output: output) }
        logger[metadataKey: "connection"] = "7"
        return (logger, pipe)
    }

    @Test func plainLineIsLocalTimeMessageAndSortedMetadata() throws {
        let (logger, pipe) = logger(.plain)
        logger.info("client said hello", metadata: ["remote": "127.0.0.1:5", "act": "hello", "note": "two words"])
        let line = pipe.readWrite()
        let match = try #require(
            line.wholeMatch(of: /(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (.*)\n/),
            "\(line)")
        #expect(match.2 == #"client said hello act=hello connection=7 note="two words" remote=127.0.0.1:5"#)

        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        formatter.timeZone = .current
        let stamp = try #require(formatter.date(from: String(match.1)))
        #expect(abs(stamp.timeIntervalSinceNow) < 60)
    }

    @Test func journalLinesCarryThePriorityAndNoTimestamp() {
        let (logger, pipe) = logger(.plain, journal: true)
        logger.warning("slow upstream")
        #expect(pipe.readWrite() == "<4>slow upstream connection=7\n")
        logger.error("two\nlines")
        #expect(pipe.readWrite() == #"<3>two\nlines connection=7"# + "\n")
        logger.info("fine")
        #expect(pipe.readWrite() == "<6>fine connection=7\n")
    }

    /// The hello of issue 20: a client's name that ends the line, forges another and clears the screen.
    private static let forgedName = "bob\n2026-01-01 00:00:00.000 closed [10.0.0.1:1]: FORGED\u{1b}[2J"

    @Test(arguments: [false, true])
    func aPlainMessageCannotForgeALineOrDriveATerminal(journal: Bool) throws {
        let (logger, pipe) = logger(.plain, journal: journal)
        logger.info("hello message from [127.0.0.1:5]: \(Self.forgedName)\r\t\u{7f}\u{9b}2J")
        let line = pipe.readWrite()
        #expect(line.filter { $0 == "\n" }.count == 1 && line.hasSuffix("\n"))
        #expect(!line.utf8.contains { $0 < 0x20 && $0 != UInt8(ascii: "\n") || $0 == 0x7F })
        #expect(!line.unicodeScalars.contains { (0x80..<0xA0).contains($0.value) })
        #expect(
            line.hasSuffix(
                #"[127.0.0.1:5]: bob\n2026-01-01 00:00:00.000 closed [10.0.0.1:1]: FORGED\x1b[2J\r\t\x7f\u009b2J connection=7"#
                    + "\n"))
    }

    @Test func aJSONMessageCannotForgeALineOrDriveATerminal() throws {
        let (logger, pipe) = logger(.json)
        logger.info("hello message from [127.0.0.1:5]: \(Self.forgedName)")
        let line = pipe.readWrite()
        #expect(line.filter { $0 == "\n" }.count == 1 && line.hasSuffix("}\n"))
        #expect(!line.utf8.contains(0x1B))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "hello message from [127.0.0.1:5]: \(Self.forgedName)")
    }

    @Test func jsonLineIsOneObjectWithTimeLevelMessageAndMetadata() throws {
        let (logger, pipe) = logger(.json)
        logger.notice("ready \"now\"", metadata: ["ports": ["8999", "8989"], "message": "clash"])
        let line = pipe.readWrite()
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "notice")
        #expect(object["message"] as? String == "ready \"now\"")
        #expect(object["connection"] as? String == "7")
        #expect(object["ports"] as? [String] == ["8999", "8989"])
        #expect(object["metadata.message"] as? String == "clash")
        let time = try #require(object["time"] as? String)
        #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(time)")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let stamp = try #require(formatter.date(from: time))
        #expect(abs(stamp.timeIntervalSinceNow) < 60)
    }

    @Test func sharedLevelChangesEveryLoggerAtOnce() {
        let level = SharedLogLevel(.info)
        let (logger, pipe) = logger(.plain, journal: true, level: level)
        logger.debug("hidden")
        level.level = .debug
        logger.debug("shown")
        #expect(pipe.readWrite() == "<7>shown connection=7\n")
        #expect(logger.logLevel == .debug)
    }

    @Test func settingOneLoggersLevelLeavesTheSharedOne() {
        let level = SharedLogLevel(.info)
        var (logger, _) = logger(.plain, level: level)
        logger.logLevel = .error
        #expect(level.level == .info)
        level.level = .trace
        #expect(logger.logLevel == .error)
    }

    @Test func concurrentRecordsNeverInterleave() async throws {
        let (logger, pipe) = logger(.plain, journal: true)
        let reader = Task.detached {
            var text = ""
            while text.filter({ $0 == "\n" }).count < 400 { text += pipe.readWrite() }
            return text
        }
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for index in 0..<100 { logger.info("\(String(repeating: "x", count: 200)) \(writer)-\(index)") }
                }
            }
        }
        let lines = await reader.value.split(separator: "\n")
        #expect(lines.count == 400)
        #expect(lines.allSatisfy { $0.wholeMatch(of: /<6>x{200} \d-\d+ connection=7/) != nil })
    }

    @Test func journalStyleOnlyWhenJournalStreamNamesStandardError() {
        var status = stat()
        fstat(STDERR_FILENO, &status)
        let own = "\(status.st_dev):\(status.st_ino)"
        #expect(LogOutput.standardError(environment: ["JOURNAL_STREAM": own]).isJournal)
        #expect(!LogOutput.standardError(environment: ["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino + 1)"]).isJournal)
        #expect(!LogOutput.standardError(environment: ["JOURNAL_STREAM": "nonsense"]).isJournal)
        #expect(!LogOutput.standardError(environment: [:]).isJournal)
    }
}
