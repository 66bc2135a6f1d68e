import GatewayUpstream
import GtcpWire
import SettingsText
import Yams

/// The `routes:` list, which only a config file can hold: each route has several fields.
///
///     routes:
///       - act: order.create                  # an act, or a prefix ending in * like order.*
///         upstream: http://orders/api/create  # may contain {act}
///         method: POST                        # GET, POST, PUT, PATCH or DELETE
///         timeout: 3s                         # default: upstream-timeout
///         headers: ["X-Api-Key: k"]           # after upstream-header, replacing the same names
///         idempotent: false                   # true: retried after failures before sending
///         retries: 2                          # with idempotent: true only
///         unix-socket: /run/orders.sock       # default: upstream-unix-socket
enum RouteSettings {
    static let key = "routes"

    private static let fields = [
        "act", "upstream", "method", "timeout", "headers", "idempotent", "retries", "unix-socket",
    ]

    /// The routes in the file's `routes:` value, and every problem, each naming the route's
    /// index and the field.
    static func parse(_ node: Node, place: String) -> (routes: UpstreamRoutes, problems: [String]) {
        guard let sequence = node.sequence else {
            return (UpstreamRoutes(), ["\(place) routes must be a list of routes, each with act and upstream"])
        }
        var problems: [String] = []
        let routes = sequence.enumerated().compactMap { index, node in
            route(node, name: "routes[\(index)]", problems: &problems)
        }
        return (UpstreamRoutes(routes), problems)
    }

    private static func route(_ node: Node, name: String, problems: inout [String]) -> UpstreamRoute? {
        guard let mapping = node.mapping else {
            problems.append("\(name) must be a mapping with act and upstream")
            return nil
        }
        var texts: [String: [String]] = [:]
        /// Fields whose value has the wrong shape, already reported.
        var malformed: Set<String> = []
        for (keyNode, valueNode) in mapping {
            let field = keyNode.scalar?.string ?? "\(keyNode)"
            guard fields.contains(field) else {
                let hint = NearestName.to(field, among: fields).map { " (did you mean \"\($0)\"?)" } ?? ""
                problems.append("\(name) unknown key \(SettingProblem.quoted(field))\(hint)")
                continue
            }
            switch valueNode {
            case _ where valueNode.null != nil:
                continue  // null: the field's default
            case .scalar(let scalar):
                texts[field] = [scalar.string]
            case .sequence(let sequence) where field == "headers" && sequence.allSatisfy({ $0.scalar != nil }):
                texts[field] = sequence.compactMap { $0.scalar?.string }
            default:
                problems.append("\(name).\(field) must be \(field == "headers" ? "a text or a list of texts" : "a single value")")
                malformed.insert(field)
            }
        }

        var fieldProblems: [String] = []
        /// nil when the text is not allowed; .some(nil) when the field is absent.
        func value<Value>(_ field: String, _ syntax: ValueSyntax<Value>) -> Value?? {
            if malformed.contains(field) { return nil }
            guard let given = texts[field] else { return .some(nil) }
            do {
                return .some(try syntax.parse("\(name).\(field)", given))
            } catch {
                fieldProblems.append(error.message)
                return nil
            }
        }
        func required<Value>(_ field: String, _ syntax: ValueSyntax<Value>) -> Value? {
            guard case .some(let given) = value(field, syntax) else { return nil }
            if given == nil { fieldProblems.append("\(name).\(field) is required") }
            return given
        }
        let act = required("act", .actPattern)
        let upstream = required("upstream", .routeURL)
        let method = value("method", .method).map { $0 ?? .post }
        let timeout = value("timeout", .positiveDuration)
        let headers = value("headers", .headers).map { $0 ?? [] }
        let idempotent = value("idempotent", .boolean).map { $0 ?? false }
        let retries = value("retries", .integer(0...10)).map { $0 ?? UpstreamRoute.defaultRetries }
        let unixSocket = value("unix-socket", .unixSocketPath).map { $0 ?? nil }
        if texts["retries"] != nil, idempotent == false {
            fieldProblems.append("\(name).retries needs idempotent: true (only idempotent routes are retried)")
        }
        problems += fieldProblems
        guard let act, let upstream, let method, let timeout, let headers, let idempotent, let retries, let unixSocket,
            fieldProblems.isEmpty, malformed.isEmpty
        else { return nil }
        return UpstreamRoute(
            act: act, urlTemplate: upstream, method: method, timeout: timeout, headers: headers,
            idempotent: idempotent, retries: retries, unixSocketPath: unixSocket)
    }

    /// The routes as `check-config` prints them: one YAML flow mapping per route, in order,
    /// with only the fields that differ from their defaults after act, upstream and method.
    static func describe(_ routes: UpstreamRoutes, scalar: (String) -> String) -> String {
        guard !routes.isEmpty else { return "\(key): []" }
        let lines = routes.routes.map { route in
            var fields = [
                "act: \(scalar(route.act.description))", "upstream: \(scalar(route.urlTemplate))",
                "method: \(route.method.rawValue)",
            ]
            if let timeout = route.timeout { fields.append("timeout: \(DurationText.format(timeout))") }
            if !route.headers.isEmpty {
                fields.append("headers: [" + route.headers.map { scalar("\($0.name): \($0.value)") }.joined(separator: ", ") + "]")
            }
            if route.idempotent { fields += ["idempotent: true", "retries: \(route.retries)"] }
            if let socket = route.unixSocketPath { fields.append("unix-socket: \(scalar(socket))") }
            return "  - {" + fields.joined(separator: ", ") + "}"
        }
        return (["\(key):"] + lines).joined(separator: "\n")
    }
}

extension ValueSyntax where Value == ActPattern {
    static let actPattern = ValueSyntax.single(
        "an act name, or a prefix ending in * like order.*", format: { .single($0.description) }
    ) { text -> ActPattern? in
        let pattern = ActPattern(text)
        switch pattern {
        case .exact(let name): return ActName.validationError(name) == nil ? pattern : nil
        case .prefix(let prefix): return prefix.isEmpty || ActName.validationError(prefix) == nil ? pattern : nil
        }
    }
}

extension ValueSyntax where Value == String {
    /// Unlike the `upstream` key, a route's URL need not contain {act}.
    static let routeURL = ValueSyntax.single(
        "an http:// or https:// URL (it may contain {act})", format: { .single($0) }
    ) { text -> String? in
        UpstreamConfiguration.validateTemplate(text, requiringAct: false) == nil ? text : nil
    }
}

extension ValueSyntax where Value == UpstreamMethod {
    static let method = ValueSyntax.single(
        "one of " + UpstreamMethod.allCases.map(\.rawValue).joined(separator: ", "), format: { .single($0.rawValue) }
    ) { UpstreamMethod(rawValue: $0.uppercased()) }
}
