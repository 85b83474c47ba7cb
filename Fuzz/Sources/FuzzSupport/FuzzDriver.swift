#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's entry point for programs that have their own `main` (SwiftPM gives every
/// executable one): it parses the usual libFuzzer flags from the command line and runs.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

public enum FuzzDriver {
    /// Runs libFuzzer with `testOneInput` as `LLVMFuzzerTestOneInput`, then exits with its status.
    ///
    /// `warmUp` inputs run first, outside libFuzzer's accounting: they make the process-wide
    /// values that are built on first use (the system trust roots, the fixture certificates,
    /// resumable sessions), so that libFuzzer's leak check, which starts whenever an input
    /// allocates more than it frees, sees only what an input leaves behind.
    public static func run(
        _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt, warmUp: [[UInt8]] = []
    ) -> Never {
        for input in warmUp {
            _ = input.withUnsafeBufferPointer { testOneInput($0.baseAddress, $0.count) }
        }
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }
}
