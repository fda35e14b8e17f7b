import Autograd
import Foundation

/// Restarts this process once with OPENBLAS_CORETYPE set when OpenBLAS runs slower
/// kernels than the CPU supports, or other than TANDEM_BLAS_CORETYPE pins (see `BLASKernel`). Runs first thing in
/// `main`, before MPI starts, so under mpirun every rank restarts in place.
enum BLASKernelSelection {
    static func restartWithBetterKernelsIfNeeded() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["TANDEM_BLAS_SELECTED"] == nil,
            let coreType = BLASKernel.preferredCoreType(environment: environment)
        else { return }
        setenv("OPENBLAS_CORETYPE", coreType, 1)
        setenv("TANDEM_BLAS_SELECTED", "1", 1)
        let arguments = CommandLine.arguments
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &argv)
        // execv returns only on failure: carry on with the kernels we have.
        unsetenv("OPENBLAS_CORETYPE")
    }
}
