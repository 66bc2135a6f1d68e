import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GatewayBench
import Testing

@Suite("SVG charts")
struct BenchChartsTests {
    @Test("the latency chart is well-formed XML, whatever the names hold")
    func latencyChart() throws {
        let svg = BenchCharts.latencyPercentiles(
            title: "Latency <&> \"quoted\"",
            scenarios: [
                ("floor & friends", LatencySummary(p50: 40, p90: 60, p99: 120, p999: 900, max: 12_000, mean: 50)),
                ("gateway <hello>", LatencySummary(p50: 45, p90: 70, p99: 150, p999: 1_100, max: 30_000, mean: 55)),
            ]
        )
        let elements = try parse(svg)
        #expect(elements.first == "svg")
        #expect(elements.filter { $0 == "rect" }.count >= 10)
    }

    @Test("the throughput chart is well-formed XML, one line per series")
    func throughputChart() throws {
        let svg = BenchCharts.throughput(
            title: "Throughput",
            series: [
                ChartSeries(name: "floor", points: [.init(x: 1, y: 20_000), .init(x: 64, y: 150_000), .init(x: 256, y: 140_000)]),
                ChartSeries(name: "gateway", points: [.init(x: 1, y: 15_000), .init(x: 64, y: 120_000), .init(x: 256, y: 118_000)]),
            ]
        )
        let elements = try parse(svg)
        #expect(elements.filter { $0 == "polyline" }.count == 2)
        #expect(elements.filter { $0 == "circle" }.count == 6)
    }

    @Test("empty data still makes a document")
    func empty() throws {
        #expect(try parse(BenchCharts.throughput(title: "none", series: [])).first == "svg")
        #expect(try parse(BenchCharts.latencyPercentiles(title: "none", scenarios: [])).first == "svg")
    }
}

/// The element names of an XML document in order; throws if it is not well-formed.
func parse(_ xml: String) throws -> [String] {
    let collector = ElementCollector()
    let parser = XMLParser(data: Data(xml.utf8))
    parser.delegate = collector
    guard parser.parse() else {
        throw parser.parserError ?? CocoaError(.coderReadCorrupt)
    }
    return collector.names
}

private final class ElementCollector: NSObject, XMLParserDelegate {
    var names: [String] = []

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        names.append(elementName)
    }
}
