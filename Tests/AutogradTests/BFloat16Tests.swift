import XCTest

@testable import Autograd

/// bf16 precision: rounding, each product and convolution primitive against a Double
/// reference on bf16-rounded inputs, and gradient checks of the bf16 ops.
final class BFloat16Tests: XCTestCase {
    override func tearDown() {
        ConvolutionKernels.forcedRoute = nil
        Precision.use(.float32)
    }

    func testRoundingIsToNearestWithTiesToEven() {
        let ulp: Float = 1.0 / 128  // bf16's spacing in [1, 2)
        XCTAssertEqual(BFloat16.round(1), 1)
        XCTAssertEqual(BFloat16.round(1 + ulp / 2), 1, "a tie goes to the even neighbour, 1")
        XCTAssertEqual(BFloat16.round(1 + 3 * ulp / 2), 1 + 2 * ulp, "a tie goes to the even neighbour, 1 + 2 ulp")
        XCTAssertEqual(BFloat16.round(1 + ulp / 2 + ulp / 64), 1 + ulp, "just above a tie rounds up")
        XCTAssertEqual(BFloat16.round(-(1 + 0.7 * ulp)), -(1 + ulp))
        XCTAssertEqual(BFloat16.round(.infinity), .infinity)
        XCTAssertEqual(BFloat16.round(.greatestFiniteMagnitude), .infinity, "above bf16's largest value")
        XCTAssertTrue(BFloat16.round(Float(bitPattern: 0x7F80_0001)).isNaN, "a NaN with only low payload bits stays NaN")
        // Rounding a tensor agrees with rounding each value.
        let values = (0..<37).map { Float($0) * 0.123_457 - 2.1 } + [.nan, .infinity, 3.0e38]
        let rounded = BFloat16.rounded(Tensor(values)).scalars
        for (value, result) in zip(values, rounded) {
            XCTAssertEqual(result.bitPattern, BFloat16.round(value).bitPattern, "\(value)")
            XCTAssertEqual(result.bitPattern & 0xFFFF, 0, "\(value): the low 16 bits are zero")
        }
    }

    func testThePrecisionNeedsAVX512BF16() {
        XCTAssertNil(Precision.float32.unsupportedReason(cpuFlags: []))
        XCTAssertNil(Precision.bf16.unsupportedReason(cpuFlags: ["avx512f", "avx512_bf16"]))
        let reason = Precision.bf16.unsupportedReason(cpuFlags: ["avx512f", "avx2"])
        XCTAssertEqual(reason?.contains("avx512_bf16"), true, reason ?? "nil")
        XCTAssertFalse(Precision.availableCPUFlags(environment: ["TANDEM_HIDE_CPU_FLAGS": "avx512_bf16,avx2"]).contains("avx512_bf16"))
    }

    /// bf16 kernels where bf16 multiplies faster: AMX, or AVX512_BF16 on AMD; not on Intel
    /// without AMX, nor without AVX512_BF16.
    func testBF16KernelsRunWhereTheCPUMultipliesBF16FasterThanFloat32() {
        let flags: Set<String> = ["avx512f", "avx512_bf16"]
        XCTAssertTrue(BF16Rate.isFaster(vendor: "AuthenticAMD", cpuFlags: flags, hasAMX: false))
        XCTAssertFalse(BF16Rate.isFaster(vendor: "GenuineIntel", cpuFlags: flags, hasAMX: false))
        XCTAssertTrue(BF16Rate.isFaster(vendor: "GenuineIntel", cpuFlags: flags.union(["amx_bf16"]), hasAMX: true))
        XCTAssertFalse(BF16Rate.isFaster(vendor: "AuthenticAMD", cpuFlags: ["avx512f"], hasAMX: false))
        XCTAssertFalse(BLASKernel.cpuVendor().isEmpty, "/proc/cpuinfo names a vendor")
    }

    /// Each primitive in bf16 on each route, with oneDNN's bf16 kernels and with its float32
    /// ones, equals the exact (Double) result on inputs rounded to
    /// bf16, to float32 summation accuracy; and differs from the float32 result, so rounding happened.
    func testEachConvolutionPrimitiveMultipliesBF16InputsAndSumsInFloat32() {
        let shapes = [ConvolutionRouteTests.dcganShapes[1], ConvolutionRouteTests.dcganShapes[0]]
        for route in ConvolutionRoute.allCases {
            for (index, g) in shapes.enumerated() {
                for primitive in ConvolutionPrimitive.allCases {
                    for kernels in [false, true] {
                        let (a, b, bias) = ConvolutionRouteTests.operands(primitive, g, salt: 2000 + 10 * index)
                        let label = "\(primitive) on \(route), shape \(index), \(kernels ? "bf16" : "float32") kernels"
                        Precision.use(.float32)
                        let single = ConvolutionKernels.run(primitive, a, b, bias: bias, g, route: route)
                        // Exact products of the rounded inputs (sgemm over bf16 values loses nothing but the sum's rounding).
                        let exact = ConvolutionKernels.run(primitive, BFloat16.rounded(a), BFloat16.rounded(b), bias: bias, g, route: .im2col)
                        let scale = ConvolutionKernels.run(primitive, a.abs(), b.abs(), bias: bias?.abs(), g, route: .im2col)
                        Precision.use(.bf16)
                        let half = ConvolutionKernels.run(primitive, a, b, bias: bias, g, route: route, bf16Kernels: kernels)
                        XCTAssertLessThanOrEqual(ConvolutionRouteTests.worstRelativeError(half, exact, scale: scale), 1e-4, label)
                        // Rounding both inputs moves a result by up to 2·2⁻⁹ of Σ|terms|; at least one output moves by 1e-4 of it.
                        let moved = ConvolutionRouteTests.worstRelativeError(half, single, scale: scale)
                        XCTAssertGreaterThan(moved, 1e-4, "\(label): the inputs were not rounded")
                        XCTAssertLessThanOrEqual(moved, 2.0 / 512 + 1e-4, label)
                    }
                }
            }
        }
    }

    func testMatrixProductsMultiplyBF16InputsAndSumInFloat32() {
        let a = randomTensor([7, 300], salt: 2100), b = randomTensor([300, 5], salt: 2101), bias = randomTensor([7], salt: 2102)
        Precision.use(.bf16)
        let product = matmul(a, b)
        let transposed = matmul(b, a, transposeA: true, transposeB: true)
        let layer = linear(b.transposed(), weight: a, bias: bias)
        Precision.use(.float32)
        let exact = Naive.matmul(BFloat16.rounded(a).scalars, BFloat16.rounded(b).scalars, m: 7, n: 5, k: 300, transposeA: false, transposeB: false)
        let scale = Naive.matmul(a.abs().scalars, b.abs().scalars, m: 7, n: 5, k: 300, transposeA: false, transposeB: false)
        let exactTransposed = (0..<35).map { exact[($0 % 7) * 5 + $0 / 7] }
        let scaleTransposed = (0..<35).map { scale[($0 % 7) * 5 + $0 / 7] }
        for (name, values, expected, sums) in [
            ("matmul", product.scalars, exact, scale), ("matmul transposed", transposed.scalars, exactTransposed, scaleTransposed),
            ("linear", layer.scalars, (0..<35).map { exactTransposed[$0] + Double(bias.scalars[$0 % 7]) }, scaleTransposed),
        ] {
            let worst = zip(zip(values, expected), sums).map { pair, s in Swift.abs(Double(pair.0) - pair.1) / s }.max() ?? 1
            XCTAssertLessThanOrEqual(worst, 1e-5, name)
        }
        let single = matmul(a, b).scalars.map(Double.init)
        XCTAssertGreaterThan(zip(single, exact).map { Swift.abs($0 - $1) }.max() ?? 0, 1e-4, "bf16 products differ from float32 ones")
    }

    /// First order: finite differences of bf16 ops at inputs bf16 holds exactly, with steps that
    /// keep them exact, so the forward pass is exact but for float32 summation, as in float32.
    /// The backward pass rounds what it multiplies (the incoming gradient) to bf16: 2⁻⁹ relative
    /// per factor, over a sum of K terms of mixed sign up to 2⁻⁹·Σ|terms| ≈ 2⁻⁹·√K·|sum| (K ≤ 75
    /// here: 0.017 of a typical value). Tolerance 2e-2 of the largest gradient; a wrong index or a
    /// missing term is off by O(1).
    ///
    /// Second order: finite differences cannot check it, since the double backward rounds smooth
    /// intermediate values (tanh′ of the output, the inner gradient) whose rounding steps the
    /// differences would straddle. It is checked against the float32 second-order gradient (itself
    /// checked against finite differences in float32): each of its terms multiplies up to four
    /// rounded factors, 4·2⁻⁹ ≈ 0.8% of Σ|terms|, which is a few times the largest value here.
    /// Tolerance 6e-2 of the largest float32 value.
    func testBF16ConvolutionGradientsMatchFiniteDifferencesAndFloat32OnEachRoute() {
        let first = GradientCheck(epsilon: 1.0 / 64, tolerance: 2e-2)
        for route in ConvolutionRoute.allCases {
            ConvolutionKernels.forcedRoute = route
            let x = gridTensor([2, 3, 7, 6], salt: 2200), w = gridTensor([4, 3, 3, 3], salt: 2201, scale: 0.5), b = gridTensor([4], salt: 2202)
            let conv = { (xs: [Tensor]) in conv2d(xs[0], weight: xs[1], bias: xs[2], stride: 2, padding: 1) }
            Precision.use(.bf16)
            first.verify([x, w, b], conv)
            assertSecondOrderCloseToFloat32([x, w, b], "\(route) conv2d") { conv($0).tanh() }
            let t = gridTensor([2, 3, 4, 3], salt: 2210), tw = gridTensor([3, 2, 5, 5], salt: 2211, scale: 0.5), tb = gridTensor([2], salt: 2212)
            let transposed = { (xs: [Tensor]) in convTranspose2d(xs[0], weight: xs[1], bias: xs[2], stride: 2, padding: 2, outputPadding: 1) }
            Precision.use(.bf16)
            first.verify([t, tw, tb], transposed)
            assertSecondOrderCloseToFloat32([t, tw, tb], "\(route) convTranspose2d") { transposed($0).tanh() }
        }
    }

    func testBF16MatrixProductGradientsMatchFiniteDifferencesAndFloat32() {
        let x = gridTensor([5, 12], salt: 2300), w = gridTensor([6, 12], salt: 2301, scale: 0.5), b = gridTensor([6], salt: 2302)
        Precision.use(.bf16)
        GradientCheck(epsilon: 1.0 / 64, tolerance: 2e-2).verify([x, w, b]) { linear($0[0], weight: $0[1], bias: $0[2]) }
        GradientCheck(epsilon: 1.0 / 64, tolerance: 2e-2).verify([x, w]) { matmul($0[0], $0[1], transposeB: true) }
        assertSecondOrderCloseToFloat32([x, w, b], "linear") { linear($0[0], weight: $0[1], bias: $0[2]).tanh() }
        assertSecondOrderCloseToFloat32([x, w], "matmul") { matmul($0[0], $0[1], transposeB: true).tanh() }
    }

    /// The gradient-penalty gradients of `function` (as GradientCheck.verifySecondOrder forms
    /// them) in bf16 against float32, within 6e-2 of the largest float32 value per input.
    private func assertSecondOrderCloseToFloat32(
        _ inputs: [Tensor], _ label: String, file: StaticString = #filePath, line: UInt = #line, _ function: @escaping ([Tensor]) -> Tensor
    ) {
        func penaltyGradients(_ precision: Precision) -> [Tensor] {
            Precision.use(precision)
            let leaves = inputs.map { $0.requiringGrad() }
            let y = function(leaves)
            let inner = gradients(of: (y * projection(y.shape, salt: 1)).sum(), wrt: [leaves[0]], createGraph: true)[0]
            return gradients(of: (inner.square() * projection(inner.shape, salt: 2)).sum(), wrt: leaves)
        }
        let single = penaltyGradients(.float32), half = penaltyGradients(.bf16)
        for (index, (s, h)) in zip(single, half).enumerated() {
            let largest = s.scalars.map { Swift.abs($0) }.max() ?? 0
            let worst = zip(s.scalars, h.scalars).map { Swift.abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst, 6e-2 * largest, "\(label), input \(index)", file: file, line: line)
        }
    }

    /// Random values on the grid of multiples of 2⁻⁷ within ±1.5: exact in bf16, and so are
    /// they ± 2⁻⁶ and ± 2⁻⁷ (the finite-difference steps).
    private func gridTensor(_ shape: [Int], salt: Int, scale: Float = 1) -> Tensor {
        let values = randomTensor(shape, salt: salt, scale: scale).scalars.map { v in (max(-1.5, min(1.5, v)) * 128).rounded() / 128 }
        return Tensor(shape: shape, scalars: values)
    }
}
