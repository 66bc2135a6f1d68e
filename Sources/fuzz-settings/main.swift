import GatewayService

/// libFuzzer entry: the input as a config file. Loading it gives settings or problems, and the
/// settings `check-config` prints read back as the same settings.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSettings(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    ScratchConfigFile.write(UnsafeRawBufferPointer(start: start, count: count))
    let loader = SettingsLoader(commandLine: CommandLineSettings(configFile: ScratchConfigFile.path), environment: [:])
    // Printed redacted, an admin token cannot read back.
    guard let settings = try? loader.load(), settings.adminToken == nil else { return 0 }
    let printed = settings.yamlDescription
    Array(printed.utf8).withUnsafeBytes { ScratchConfigFile.write($0) }
    do {
        let again = try loader.load()
        precondition(again == settings, "check-config output reads back differently:\n\(printed)")
    } catch {
        preconditionFailure("check-config output does not load: \(error)\n\(printed)")
    }
    return 0
}
