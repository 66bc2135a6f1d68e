import Foundation

/// One line of a chart: a name and its points.
public struct ChartSeries: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double

        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    public var name: String
    public var points: [Point]

    public init(name: String, points: [Point]) {
        self.name = name
        self.points = points
    }
}

/// The suite's charts, as SVG documents.
public enum BenchCharts {
    private static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
    private static let size = (width: 960.0, height: 440.0)
    private static let plot = (left: 80.0, top: 50.0, right: 680.0, bottom: 380.0)

    /// Latency percentiles (p50 ... max) per scenario: grouped bars on a log scale.
    public static func latencyPercentiles(title: String, scenarios: [(name: String, latency: LatencySummary)]) -> String {
        var svg = SVGDocument(width: size.width, height: size.height)
        svg.text(title, x: size.width / 2, y: 28, anchor: .middle, size: 16, bold: true)
        let categories = LatencySummary(p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0).labelled.map(\.label)
        let values = scenarios.flatMap { $0.latency.labelled.map(\.microseconds) }.filter { $0 > 0 }
        let low = pow(10, floor(log10(values.min() ?? 1)))
        let high = max(pow(10, ceil(log10(values.max() ?? 10))), low * 10)
        func y(_ value: Double) -> Double {
            let fraction = (log10(max(value, low)) - log10(low)) / (log10(high) - log10(low))
            return plot.bottom - fraction * (plot.bottom - plot.top)
        }
        var tick = low
        while tick <= high * 1.0001 {
            svg.line(x1: plot.left, y1: y(tick), x2: plot.right, y2: y(tick), stroke: "#dddddd", dashed: true)
            svg.text(microsecondsLabel(tick), x: plot.left - 6, y: y(tick) + 4, anchor: .end, size: 11)
            tick *= 10
        }
        let groupWidth = (plot.right - plot.left) / Double(categories.count)
        let barWidth = groupWidth * 0.8 / Double(max(scenarios.count, 1))
        for (category, label) in categories.enumerated() {
            let groupLeft = plot.left + Double(category) * groupWidth + groupWidth * 0.1
            for (index, scenario) in scenarios.enumerated() {
                let value = scenario.latency.labelled[category].microseconds
                let top = y(value)
                svg.rect(
                    x: groupLeft + Double(index) * barWidth,
                    y: top,
                    width: barWidth * 0.9,
                    height: plot.bottom - top,
                    fill: color(index),
                    title: "\(scenario.name) \(label): \(microsecondsLabel(value))"
                )
            }
            svg.text(label, x: groupLeft + groupWidth * 0.4, y: plot.bottom + 18, anchor: .middle)
        }
        axes(&svg, xLabel: "percentile", yLabel: "round trip (log scale)")
        legend(&svg, names: scenarios.map(\.name))
        return svg.render()
    }

    /// Messages per second against connection count, one line per series; x on a log scale.
    public static func throughput(title: String, series: [ChartSeries]) -> String {
        var svg = SVGDocument(width: size.width, height: size.height)
        svg.text(title, x: size.width / 2, y: 28, anchor: .middle, size: 16, bold: true)
        let xs = Set(series.flatMap { $0.points.map(\.x) }.filter { $0 > 0 }).sorted()
        let lowX = xs.first ?? 1
        let highX = max(xs.last ?? 2, lowX * 2)
        let (step, highY) = niceScale(max: series.flatMap { $0.points.map(\.y) }.max() ?? 1)
        func x(_ value: Double) -> Double {
            plot.left + 20 + (log2(value) - log2(lowX)) / (log2(highX) - log2(lowX)) * (plot.right - plot.left - 40)
        }
        func y(_ value: Double) -> Double {
            plot.bottom - value / highY * (plot.bottom - plot.top)
        }
        var tick = 0.0
        while tick <= highY * 1.0001 {
            svg.line(x1: plot.left, y1: y(tick), x2: plot.right, y2: y(tick), stroke: "#dddddd", dashed: true)
            svg.text(Figure.grouped(tick), x: plot.left - 6, y: y(tick) + 4, anchor: .end, size: 11)
            tick += step
        }
        for value in xs {
            svg.text(Figure.grouped(value), x: x(value), y: plot.bottom + 18, anchor: .middle, size: 11)
        }
        for (index, line) in series.enumerated() {
            let points = line.points.filter { $0.x > 0 }.sorted { $0.x < $1.x }
            svg.polyline(points.map { (x($0.x), y($0.y)) }, stroke: color(index))
            for point in points {
                svg.circle(
                    x: x(point.x),
                    y: y(point.y),
                    radius: 3.5,
                    fill: color(index),
                    title: "\(line.name), \(Figure.grouped(point.x)) connections: \(Figure.grouped(point.y)) msg/s"
                )
            }
        }
        axes(&svg, xLabel: "connections (log scale)", yLabel: "messages per second")
        legend(&svg, names: series.map(\.name))
        return svg.render()
    }

    private static func axes(_ svg: inout SVGDocument, xLabel: String, yLabel: String) {
        svg.line(x1: plot.left, y1: plot.bottom, x2: plot.right, y2: plot.bottom, stroke: "#333333")
        svg.line(x1: plot.left, y1: plot.top, x2: plot.left, y2: plot.bottom, stroke: "#333333")
        svg.text(xLabel, x: (plot.left + plot.right) / 2, y: plot.bottom + 42, anchor: .middle)
        svg.text(yLabel, x: 18, y: (plot.top + plot.bottom) / 2, anchor: .middle, rotated: true)
    }

    private static func legend(_ svg: inout SVGDocument, names: [String]) {
        for (index, name) in names.enumerated() {
            let top = plot.top + Double(index) * 22
            svg.rect(x: plot.right + 20, y: top, width: 14, height: 14, fill: color(index))
            svg.text(name, x: plot.right + 40, y: top + 12)
        }
    }

    private static func color(_ index: Int) -> String {
        palette[index % palette.count]
    }

    /// A 1-2-5 step giving about five gridlines, and the top of the scale.
    static func niceScale(max value: Double) -> (step: Double, top: Double) {
        let rough = max(value, 1) / 5
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        return (step, (max(value, 1) / step).rounded(.up) * step)
    }

    /// 10 -> "10 µs", 1000 -> "1 ms", 1e6 -> "1 s".
    static func microsecondsLabel(_ value: Double) -> String {
        switch value {
        case 1_000_000...: return "\(trimmed(value / 1_000_000)) s"
        case 1_000...: return "\(trimmed(value / 1_000)) ms"
        default: return "\(trimmed(value)) µs"
        }
    }

    private static func trimmed(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
