// Stand-in for the upstream configuration until the upstream module lands; replaced on merge.

public struct UpstreamHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public struct UpstreamConfiguration: Sendable, Equatable {
    public var urlTemplate: String
    public var headers: [UpstreamHeader]
    public var timeout: Duration
    public var connectTimeout: Duration
    public var maxResponseBytes: Int

    public init(
        urlTemplate: String,
        headers: [UpstreamHeader] = [],
        timeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(2),
        maxResponseBytes: Int
    ) {
        self.urlTemplate = urlTemplate
        self.headers = headers
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
    }
}
