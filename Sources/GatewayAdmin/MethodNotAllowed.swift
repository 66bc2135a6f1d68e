import Hummingbird

extension Router {
    private static var answeredMethods: [HTTPRequest.Method] {
        // QUERY (safe, with a body) is a valid method name, so the literal always parses.
        [.get, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")!]
    }

    /// Routes `method` on `path` to `handler`, and answers every other method with 405.
    func only(
        _ method: HTTPRequest.Method,
        _ path: RouterPath,
        use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) {
        self.on(path, method: method, use: handler)
        self.methodNotAllowed(path, allowing: [method])
    }

    /// Answers 405 with `Allow` for the methods a path does not serve (HEAD follows GET; CONNECT
    /// names no path); the router alone would say 404, as if the path did not exist.
    func methodNotAllowed(_ path: RouterPath, allowing allowed: [HTTPRequest.Method]) {
        let allow = (allowed.contains(.get) ? allowed + [.head] : allowed).map(\.rawValue).joined(separator: ", ")
        for method in Self.answeredMethods where !allowed.contains(method) {
            self.on(path, method: method) { request, _ -> Response in
                throw Problem(
                    status: .methodNotAllowed,
                    detail: "\(request.method) is not allowed on \(request.uri.path); use \(allow)",
                    headers: [.allow: allow]
                )
            }
        }
    }
}
