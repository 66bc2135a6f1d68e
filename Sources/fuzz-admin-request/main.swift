import Foundation
import GatewayAdmin

/// libFuzzer entry: the first byte picks the body type, the rest is the request body. Decoding
/// as the admin routes do either refuses the body or gives values the routes can use as they are.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAdminRequest(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: start, count: count)
    guard let selector = input.first else { return 0 }
    let body = Data(input.dropFirst())
    if selector & 1 == 0 {
        if let request = try? JSONDecoder().decode(DoexitRequest.self, from: body), let grace = request.graceSeconds {
            precondition(DoexitRequest.graceRange.contains(grace), "grace \(grace) accepted out of range")
        }
    } else {
        _ = try? JSONDecoder().decode(MessageRequest.self, from: body)
    }
    return 0
}
