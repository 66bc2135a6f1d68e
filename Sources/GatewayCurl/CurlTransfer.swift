import CCurl
import CurlShim
import GatewayUpstream
import GtcpWire

/// One request on its way through curl: what it needs to set up the easy handle, and what
/// the callbacks collect. Confined to the loop thread; callbacks find it through an unretained
/// pointer while the loop's table of transfers keeps it alive.
final class CurlTransfer {
    private let queued: QueuedUpstreamRequest
    /// 1 for the first try; more for retries of an idempotent route.
    let attempt: Int
    /// Told when this transfer gets its connection. The loop's, which outlives its transfers.
    fileprivate unowned let connectionWaits: CurlConnectionWaits
    /// Kept by `connectionWaits`.
    var isWaitingForConnection = false

    private(set) var body: [UInt8] = []
    private(set) var bodyExceededLimit = false
    /// The last X-Gtcp-Act of the final response.
    private(set) var responseAct: String?
    private var headerList: UnsafeMutablePointer<curl_slist>?

    init(_ queued: QueuedUpstreamRequest, connectionWaits: CurlConnectionWaits, attempt: Int = 1) {
        self.queued = queued
        self.connectionWaits = connectionWaits
        self.attempt = attempt
    }

    var request: UpstreamRequest { queued.request }
    var target: UpstreamTarget { queued.target }
    var configuration: UpstreamConfiguration { queued.target.configuration }
    var completion: @Sendable (UpstreamOutcome) -> Void { queued.completion }
    var startedAt: ContinuousClock.Instant { queued.enqueuedAt }

    /// Whether a failure may be tried again: only before any byte of the request was sent, and
    /// only as often as the route allows.
    func mayRetry(after completion: CurlCompletion) -> Bool {
        attempt <= target.retries && completion.failedBeforeSending
    }

    /// The same request from scratch, for the next attempt.
    func retried() -> CurlTransfer {
        CurlTransfer(queued, connectionWaits: connectionWaits, attempt: attempt + 1)
    }

    deinit {
        curl_slist_free_all(headerList)
    }

    /// Sets every option this request needs on an easy handle, fresh or reused.
    func configure(_ easy: UnsafeMutableRawPointer) throws(CurlSetupError) {
        let method = target.method
        headerList = try Self.makeHeaderList(for: request, configuration: configuration, sendsBody: method.sendsBody)
        try CurlRequestOptions.apply(
            to: easy, url: target.url, method: method, body: request.data,
            timeout: configuration.timeout, connectTimeout: configuration.connectTimeout,
            transport: configuration.transport, headers: headerList,
            receiveBody: receiveBody, receiveHeader: receiveHeader, connected: connected,
            context: Unmanaged.passUnretained(self).toOpaque())
    }

    /// False once the body would exceed the limit, which makes curl abort the transfer.
    fileprivate func appendBody(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard body.count + chunk.count <= configuration.maxResponseBytes else {
            bodyExceededLimit = true
            return false
        }
        body.append(contentsOf: chunk)
        return true
    }

    fileprivate func receiveHeaderLine(_ line: UnsafeRawBufferPointer) {
        // Each response (an interim 1xx, then the final one) starts with its status line.
        if line.starts(with: "HTTP/".utf8) {
            responseAct = nil
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")),
            Self.isActHeader(UnsafeRawBufferPointer(rebasing: line[..<colon]))
        else { return }
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self)
            .trimmingHTTPWhitespace()
        responseAct = value.isEmpty ? nil : value
    }

    private static func isActHeader(_ name: UnsafeRawBufferPointer) -> Bool {
        let expected = "x-gtcp-act".utf8
        return name.count == expected.count
            && zip(name, expected).allSatisfy { byte, lower in byte | 0x20 == lower }
    }

    private static func makeHeaderList(
        for request: UpstreamRequest,
        configuration: UpstreamConfiguration,
        sendsBody: Bool
    ) throws(CurlSetupError) -> UnsafeMutablePointer<curl_slist>? {
        var list = try append(headerLine(name: "X-Gtcp-Connection-Id", value: String(request.connectionID)), to: nil)
        list = try append(headerLine(name: "X-Gtcp-Remote-Addr", value: request.remoteAddress), to: list)
        list = try append(headerLine(name: "X-Gtcp-Act", value: request.act), to: list)
        if let clientName = request.clientName {
            list = try append(headerLine(name: "X-Gtcp-Client-Name", value: clientName), to: list)
        }
        if let subject = request.clientCertificateSubject {
            list = try append(headerLine(name: "X-Gtcp-Client-Cert-Subject", value: subject), to: list)
        }
        list = try append(headerLine(name: "X-Request-Id", value: request.requestID), to: list)
        for header in configuration.headers {
            list = try append(headerLine(name: header.name, value: header.value), to: list)
        }
        if sendsBody {
            let contentType = JSONText.isValid(request.data) ? "application/json" : "text/plain; charset=utf-8"
            list = try append("Content-Type: " + contentType, to: list)
        }
        // A bare "Expect:" removes curl's 100-continue wait on larger bodies.
        return try append("Expect:", to: list)
    }

    static func append(
        _ line: String,
        to list: UnsafeMutablePointer<curl_slist>?
    ) throws(CurlSetupError) -> UnsafeMutablePointer<curl_slist> {
        guard let appended = curl_slist_append(list, line) else {
            curl_slist_free_all(list)
            throw CurlSetupError(code: CURLE_OUT_OF_MEMORY)
        }
        return appended
    }

    /// Client-supplied values (a client name) must not smuggle in header lines, so control
    /// characters become spaces. curl sends `Name;` as a header with an empty value. Control
    /// characters are single UTF-8 bytes, so bytes are checked: most values have none and are
    /// used as they are.
    private static func headerLine(name: String, value: String) -> String {
        if value.isEmpty {
            return name + ";"
        }
        let isControl = { (byte: UInt8) in (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F }
        guard value.utf8.contains(where: isControl) else {
            return name + ": " + value
        }
        return name + ": " + String(decoding: value.utf8.map { isControl($0) ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }
}

struct CurlSetupError: Error {
    var code: CURLcode
}

func check(_ code: CURLcode) throws(CurlSetupError) {
    guard code == CURLE_OK else { throw CurlSetupError(code: code) }
}

private let receiveBody: curl_write_callback = { buffer, size, count, context in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    return transfer.appendBody(UnsafeRawBufferPointer(start: buffer, count: length)) ? length : 0
}

private let connected: curl_prereq_callback = { context, _, _, _, _ in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
    transfer.connectionWaits.stopWaiting(transfer)
    return CURL_PREREQFUNC_OK
}

private let receiveHeader: curl_write_callback = { buffer, size, count, context in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: buffer, count: length))
    return length
}

extension String {
    fileprivate func trimmingHTTPWhitespace() -> String {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r\n" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isWhitespace($0) }),
            let last = lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
