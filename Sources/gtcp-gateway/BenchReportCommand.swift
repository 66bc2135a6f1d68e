import ArgumentParser
import Foundation
import GatewayBench

struct BenchReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the benchmark document and its SVG charts from a suite's JSON results.",
        discussion: """
            Reads every *.json in --results (and notes.md, if there), writes the charts beside \
            them and the document to --output, and prints the targets table.
            """
    )

    @Option(help: "The folder of JSON results.")
    var results = "docs/bench"

    @Option(help: "The Markdown document to write.")
    var output = "docs/BENCHMARKS.md"

    func run() async throws {
        let folder = URL(fileURLWithPath: results)
        var suite = SuiteResults()
        for name in try FileManager.default.contentsOfDirectory(atPath: results).sorted() where name.hasSuffix(".json") {
            do {
                try suite.add(json: Data(contentsOf: folder.appendingPathComponent(name)), name: String(name.dropLast(5)))
            } catch {
                printToStandardError("gtcp-gateway bench report: skipping \(name): \(error)")
            }
        }
        suite.notes = try? String(contentsOf: folder.appendingPathComponent("notes.md"), encoding: .utf8)
        let report = SuiteReport(results: suite)
        for chart in report.charts {
            try chart.svg.write(to: folder.appendingPathComponent(chart.name), atomically: true, encoding: .utf8)
        }
        try report.markdown.write(toFile: output, atomically: true, encoding: .utf8)
        for check in report.checks {
            print("\(check.met.map { $0 ? "met    " : "NOT MET" } ?? "-      ")  \(check.scenario): \(check.figure) (target \(check.target))")
        }
    }
}
