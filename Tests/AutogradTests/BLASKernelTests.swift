import XCTest

@testable import Autograd

final class BLASKernelTests: XCTestCase {
    private let avx512: Set<String> = ["avx2", "avx512f", "avx512dq", "avx512bw", "avx512vl"]

    func testAnAVX512CPURunningAVX2KernelsIsMovedToTheAVX512Kernels() {
        XCTAssertEqual(BLASKernel.preferredCoreType(cpuFlags: avx512, environment: [:], current: "Haswell"), "SkylakeX")
        // Also when the environment pinned the AVX2 kernels.
        XCTAssertEqual(
            BLASKernel.preferredCoreType(cpuFlags: avx512, environment: ["OPENBLAS_CORETYPE": "Haswell"], current: "Haswell"), "SkylakeX")
    }

    func testAnAVX512CPURunningSSEKernelsIsMovedToTheAVX512Kernels() {
        // OpenBLAS 0.3.21 falls back to Prescott (SSE3) on Intel Xeon models it does not know.
        XCTAssertEqual(BLASKernel.preferredCoreType(cpuFlags: avx512, environment: [:], current: "Prescott"), "SkylakeX")
        XCTAssertNil(BLASKernel.preferredCoreType(cpuFlags: avx512, environment: [:], current: "Cooperlake"))
    }

    func testNothingChangesWhenTheKernelsAlreadyFitTheCPU() {
        XCTAssertNil(BLASKernel.preferredCoreType(cpuFlags: avx512, environment: [:], current: "SkylakeX"))
        XCTAssertNil(BLASKernel.preferredCoreType(cpuFlags: ["avx2", "fma"], environment: [:], current: "Haswell"))
    }

    func testTandemBLASCoreTypePinsAKernelExplicitly() {
        let pinned = ["TANDEM_BLAS_CORETYPE": "Haswell"]
        XCTAssertEqual(BLASKernel.preferredCoreType(cpuFlags: avx512, environment: pinned, current: "SkylakeX"), "Haswell")
        XCTAssertNil(
            BLASKernel.preferredCoreType(cpuFlags: avx512, environment: pinned.merging(["OPENBLAS_CORETYPE": "Haswell"]) { $1 }, current: "Haswell"))
    }

    func testTheCPUFlagsOfThisMachineAreRead() {
        XCTAssertFalse(BLASKernel.cpuFlags().isEmpty, "/proc/cpuinfo has a flags line on Linux")
    }
}

final class VectorLoopTests: XCTestCase {
    func testFirstNonFiniteFindsNaNAndInfinityInTheVectorPartAndTheTail() {
        for position in [0, 5, 15, 16, 31, 33, 36] {
            for bad in [Float.nan, .infinity, -.infinity] {
                var values = [Float](repeating: 1.5, count: 37)
                values[position] = bad
                XCTAssertEqual(values.withUnsafeBufferPointer { VectorLoop.firstNonFinite($0.baseAddress!, count: 37) }, position)
            }
        }
        let finite = [Float](repeating: -3.25e30, count: 40)
        XCTAssertNil(finite.withUnsafeBufferPointer { VectorLoop.firstNonFinite($0.baseAddress!, count: 40) })
    }
}
