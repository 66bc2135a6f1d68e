/// Where and how one request goes, fixed when the request is accepted: the matching route, or
/// else the `upstream` URL.
public struct UpstreamTarget: Sendable {
    public var url: String
    public var method: UpstreamMethod
    /// The upstream's configuration with the route's timeout, headers and Unix socket in force.
    public var configuration: UpstreamConfiguration
    /// Further attempts allowed after a failure before any byte was sent; 0 unless the route is
    /// idempotent.
    public var retries: Int
}

extension UpstreamConfiguration {
    /// nil when no route matches and there is no `upstream` URL.
    public func target(for request: UpstreamRequest) -> UpstreamTarget? {
        guard let route = routes.match(request.act) else {
            return urlTemplate.map { template in
                UpstreamTarget(
                    url: Self.url(template, act: request.act, data: request.data, method: .post),
                    method: .post, configuration: self, retries: 0)
            }
        }
        var configuration = self
        configuration.timeout = route.timeout ?? timeout
        configuration.transport.unixSocketPath = route.unixSocketPath ?? transport.unixSocketPath
        let replaced = Set(route.headers.map { $0.name.lowercased() })
        configuration.headers = headers.filter { !replaced.contains($0.name.lowercased()) } + route.headers
        return UpstreamTarget(
            url: Self.url(route.urlTemplate, act: request.act, data: request.data, method: route.method),
            method: route.method, configuration: configuration, retries: route.idempotent ? route.retries : 0)
    }

    /// Whether a request with this act goes anywhere.
    public func hasTarget(for act: String) -> Bool {
        urlTemplate != nil || routes.match(act) != nil
    }

    /// The act was validated by the caller (letters, digits, `.` `_` `-` `:`), so it needs no
    /// escaping; Data does when it goes in the query string.
    private static func url(_ template: String, act: String, data: String, method: UpstreamMethod) -> String {
        let url = expand(template, act: act)
        guard !method.sendsBody, !data.isEmpty else { return url }
        return url + (url.utf8.contains(UInt8(ascii: "?")) ? "&" : "?") + "data=" + percentEncoded(data)
    }

    /// `template` with each `{act}` replaced, byte by byte: done per request on the event loop,
    /// where the generic `replacing` cost more than the rest of building the target.
    static func expand(_ template: String, act: String) -> String {
        let placeholder = actPlaceholder.utf8
        var url: [UInt8] = []
        url.reserveCapacity(template.utf8.count + act.utf8.count)
        var rest = template.utf8[...]
        while let brace = rest.firstIndex(of: UInt8(ascii: "{")) {
            url += rest[..<brace]
            rest = rest[brace...]
            if rest.starts(with: placeholder) {
                url += act.utf8
                rest = rest.dropFirst(placeholder.count)
            } else {
                url.append(UInt8(ascii: "{"))
                rest = rest.dropFirst()
            }
        }
        url += rest
        return String(decoding: url, as: UTF8.self)
    }

    /// RFC 3986: everything but the unreserved characters as %XX of its UTF-8 bytes.
    private static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
