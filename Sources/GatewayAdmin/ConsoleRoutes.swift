import Hummingbird

/// The operator console: a page, its script and its styles, built into the binary. Served
/// without the token: the page asks for it and sends it with each API call.
struct ConsoleRoutes<Context: RequestContext> {
    private struct Asset {
        let path: RouterPath
        let contentType: String
        let bytes: [UInt8]
    }

    private static var assets: [Asset] {
        [
            Asset(path: "/ui/", contentType: "text/html; charset=utf-8", bytes: PackageResources.index_html),
            Asset(path: "/ui/console.js", contentType: "text/javascript; charset=utf-8", bytes: PackageResources.console_js),
            Asset(path: "/ui/console.css", contentType: "text/css; charset=utf-8", bytes: PackageResources.console_css),
        ]
    }

    func register(on router: Router<Context>) {
        router.only(.get, "/") { _, _ in
            Response(status: .found, headers: [.location: "/ui/"])
        }
        for asset in Self.assets {
            let body = ByteBuffer(bytes: asset.bytes)
            let contentType = asset.contentType
            router.only(.get, asset.path) { _, _ in
                // no-cache: a new binary's console is picked up on the next load.
                Response(
                    status: .ok,
                    headers: [.contentType: contentType, .cacheControl: "no-cache"],
                    body: ResponseBody(byteBuffer: body)
                )
            }
        }
    }
}
