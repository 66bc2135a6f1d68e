import Hummingbird

/// Demands `Authorization: Bearer <token>` while a token is configured.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: AdminToken

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let expected = self.token.current else {
            return try await next(request, context)
        }
        guard let presented = Self.bearerCredential(request.headers[.authorization]),
            Self.constantTimeEqual(presented, expected)
        else {
            throw Problem(
                status: .unauthorized,
                detail: "a valid bearer token is required",
                headers: [.wwwAuthenticate: #"Bearer realm="gtcp-gateway""#]
            )
        }
        return try await next(request, context)
    }

    /// The credential of a `Bearer` authorization (scheme matched case-insensitively), nil for
    /// any other scheme or an empty credential.
    static func bearerCredential(_ authorization: String?) -> String? {
        guard let authorization else { return nil }
        let scheme = "bearer "
        guard authorization.utf8.count > scheme.utf8.count,
            authorization.prefix(scheme.count).lowercased() == scheme
        else { return nil }
        let credential = authorization.dropFirst(scheme.count).drop { $0 == " " }
        return credential.isEmpty ? nil : String(credential)
    }

    /// Takes time that depends on the expected token's length only, so a wrong guess tells an
    /// attacker nothing about how much of it matched.
    static func constantTimeEqual(_ presented: String, _ expected: String) -> Bool {
        let presented = Array(presented.utf8)
        let expected = Array(expected.utf8)
        guard !expected.isEmpty else { return false }
        var difference = UInt8(presented.count == expected.count ? 0 : 1)
        for index in expected.indices {
            let other = presented.isEmpty ? 0 : presented[index % presented.count]
            difference |= expected[index] ^ other
        }
        return difference == 0
    }
}
