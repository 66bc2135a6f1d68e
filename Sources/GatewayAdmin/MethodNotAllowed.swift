import Hummingbird

extension Router {
    private static var answeredMethods: [HTTPRequest.Method] {
        // QUERY (safe, with a body) is a valid method name, so the literal always parses.
        [.get, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")!]
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
