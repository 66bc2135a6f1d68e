import Foundation

/// A plain-text table: a header row, then rows; the first column left-aligned, the rest right.
struct TextTable {
    var headers: [String]
    var rows: [[String]]

    func render() -> String {
        let widths = headers.indices.map { column in
            ([headers] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
        return ([line(headers), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line))
            .joined(separator: "\n")
    }
}

/// How figures are written in tables and documents.
enum Figure {
    /// 1234567 -> "1,234,567".
    static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        let negative = digits.hasPrefix("-")
        var body = Array(negative ? digits.dropFirst() : digits[...])
        var index = body.count - 3
        while index > 0 {
            body.insert(",", at: index)
            index -= 3
        }
        return (negative ? "-" : "") + String(body)
    }

    static func grouped<Integer: BinaryInteger>(_ value: Integer) -> String {
        grouped(Double(value))
    }

    static func decimal(_ value: Double, places: Int = 1) -> String {
        String(format: "%.\(places)f", value)
    }
}

extension LoadReport {
    /// The report as the bench prints it without `--json`.
    public var table: String {
        var lines = [
            "\(label.map { "\($0): " } ?? "")\(target) act \(act), \(connected)/\(connections) connections "
                + "x \(outstanding) outstanding\(rate.map { ", offered \(Figure.grouped($0)) msg/s" } ?? ""), "
                + "\(Figure.decimal(seconds, places: 2)) s"
        ]
        lines.append(
            TextTable(
                headers: ["msg/s", "sent", "replies", "errors", "p50 us", "p90 us", "p99 us", "p99.9 us", "max us"],
                rows: [
                    [
                        Figure.grouped(messagesPerSecond), Figure.grouped(counters.sent), Figure.grouped(counters.replies),
                        Figure.grouped(counters.errors),
                    ] + latencyMicroseconds.labelled.map { Figure.decimal($0.microseconds) }
                ]
            ).render()
        )
        if counters.errors > 0 || connectFailures > 0 {
            lines.append(
                "errors: \(counters.errorReplies) error replies, \(counters.unexpectedReplies) unexpected, "
                    + "\(counters.lost) lost; \(connectFailures) connections failed"
            )
        }
        if let firstError {
            lines.append("first error: \(firstError)")
        }
        if let server {
            lines.append(
                "server (pid \(server.pid)): \(Figure.decimal(server.cpuSeconds, places: 2)) s CPU, "
                    + "\(Figure.decimal(server.cpuMicrosecondsPerReply, places: 2)) us CPU per reply"
            )
        }
        if let admin {
            lines.append(
                "admin paging: \(admin.sweeps) sweeps, \(admin.pages) pages, \(admin.connectionsListed) listed, "
                    + "page p50 \(Figure.decimal(admin.pageLatencyMicroseconds.p50)) us, "
                    + "p99 \(Figure.decimal(admin.pageLatencyMicroseconds.p99)) us"
                    + (admin.error.map { "; stopped: \($0)" } ?? "")
            )
        }
        return lines.joined(separator: "\n")
    }
}

extension IdleReport {
    /// The report as the bench prints it without `--json`.
    public var table: String {
        var rows = [
            ["connections opened", "\(Figure.grouped(opened)) of \(Figure.grouped(connections))"],
            ["connect failures", Figure.grouped(connectFailures)],
            ["closed by server", Figure.grouped(closedByServer)],
            ["held", "\(Figure.decimal(holdSeconds)) s, heartbeat every \(Figure.decimal(heartbeatIntervalSeconds)) s"],
            ["heartbeats sent", Figure.grouped(heartbeatsSent)],
        ]
        if let fileDescriptorLimit {
            rows.append(["bench open-file limit", Figure.grouped(fileDescriptorLimit)])
        }
        if let server {
            rows += [
                ["server RSS before", "\(Figure.grouped(server.before.residentKiB)) KiB"],
                ["server RSS connected", "\(Figure.grouped(server.afterConnecting.residentKiB)) KiB"],
                ["server RSS after hold", "\(Figure.grouped(server.afterHolding.residentKiB)) KiB"],
                ["RSS per connection", "\(Figure.grouped(server.residentBytesPerConnection)) bytes"],
                ["server CPU during hold", "\(Figure.decimal(server.cpuPercentOfOneCore, places: 2)) % of one core"],
            ]
        }
        var text = "\(label.map { "\($0): " } ?? "")idle connections to \(target)\n"
            + TextTable(headers: ["figure", "value"], rows: rows).render()
        if let firstError {
            text += "\nfirst error: \(firstError)"
        }
        return text
    }
}
