/// Runs `body` with a loopback TCP port that refuses every connection until the body returns:
/// bound but never listening. Unlike a port that was bound and then closed, no other test can
/// take the port meanwhile and turn a refusal into an answer.
@discardableResult
public func withRefusingPort<Result>(_ body: (Int) async throws -> Result) async throws -> Result {
    let refusing = try BoundSocket(loopbackFor: "a refusing port")
    let result = try await body(refusing.port)
    withExtendedLifetime(refusing) {}
    return result
}
