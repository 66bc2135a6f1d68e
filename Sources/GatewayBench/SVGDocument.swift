import Foundation

/// A small SVG writer: shapes and text appended in order, attribute values and text escaped,
/// so whatever names go in, the document stays well-formed XML.
struct SVGDocument {
    let width: Double
    let height: Double
    private var elements: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, title: String? = nil) {
        let attributes = attributeText(["x": n(x), "y": n(y), "width": n(width), "height": n(height), "fill": fill])
        if let title {
            elements.append("<rect \(attributes)><title>\(Self.escape(title))</title></rect>")
        } else {
            elements.append("<rect \(attributes)/>")
        }
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dashed: Bool = false) {
        var attributes = ["x1": n(x1), "y1": n(y1), "x2": n(x2), "y2": n(y2), "stroke": stroke, "stroke-width": n(width)]
        if dashed {
            attributes["stroke-dasharray"] = "3 3"
        }
        elements.append("<line \(attributeText(attributes))/>")
    }

    mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 2) {
        let list = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
        elements.append("<polyline \(attributeText(["points": list, "fill": "none", "stroke": stroke, "stroke-width": n(width)]))/>")
    }

    mutating func circle(x: Double, y: Double, radius: Double, fill: String, title: String? = nil) {
        let attributes = attributeText(["cx": n(x), "cy": n(y), "r": n(radius), "fill": fill])
        if let title {
            elements.append("<circle \(attributes)><title>\(Self.escape(title))</title></circle>")
        } else {
            elements.append("<circle \(attributes)/>")
        }
    }

    enum Anchor: String {
        case start, middle, end
    }

    mutating func text(
        _ content: String,
        x: Double,
        y: Double,
        anchor: Anchor = .start,
        size: Double = 12,
        bold: Bool = false,
        rotated: Bool = false
    ) {
        var attributes = ["x": n(x), "y": n(y), "text-anchor": anchor.rawValue, "font-size": n(size)]
        if bold {
            attributes["font-weight"] = "bold"
        }
        if rotated {
            attributes["transform"] = "rotate(-90 \(n(x)) \(n(y)))"
        }
        elements.append("<text \(attributeText(attributes))>\(Self.escape(content))</text>")
    }

    func render() -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" \
        viewBox="0 0 \(n(width)) \(n(height))" font-family="sans-serif">
        <rect x="0" y="0" width="\(n(width))" height="\(n(height))" fill="white"/>
        \(elements.joined(separator: "\n"))
        </svg>

        """
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            // XML 1.0 allows no other control characters.
            case "\t", "\n", "\r": escaped.unicodeScalars.append(character)
            case _ where character.value < 0x20: escaped += " "
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Attributes in name order, so the same chart renders to the same bytes.
    private func attributeText(_ attributes: [String: String]) -> String {
        attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(Self.escape($0.value))\"" }.joined(separator: " ")
    }

    private func n(_ value: Double) -> String {
        value.isFinite ? String(format: "%.1f", value) : "0"
    }
}
