import XCTest

@testable import Autograd

/// Forward values of broadcasting arithmetic, reductions, shape ops, norms,
/// pooling and the saturating activations, against index-by-index references.
final class ForwardValueTests: XCTestCase {
    private let shapePairs: [([Int], [Int])] = [
        ([3, 4], [3, 4]), ([3, 4], [4]), ([3, 4], [3, 1]), ([3, 4], []), ([2, 1, 4], [3, 1]), ([4], [3, 4]),
        ([2, 3, 1, 5], [3, 4, 1]), ([1, 1], [2, 3]),
    ]

    func testBroadcastingArithmeticMatchesIndexByIndexReference() {
        let ops: [(String, (Tensor, Tensor) -> Tensor, (Double, Double) -> Double)] = [
            ("+", { $0 + $1 }, { $0 + $1 }), ("-", { $0 - $1 }, { $0 - $1 }),
            ("*", { $0 * $1 }, { $0 * $1 }), ("/", { $0 / $1 }, { $0 / $1 }),
        ]
        for (index, (left, right)) in shapePairs.enumerated() {
            let a = randomTensor(left, salt: 10 + index)
            let b = randomTensor(right, salt: 30 + index, shift: 3)
            let shape = broadcastShape(left, right)!
            for (name, op, reference) in ops {
                let y = op(a, b)
                XCTAssertEqual(y.shape, shape, "\(left) \(name) \(right)")
                let expected = (0..<y.count).map { flat -> Double in
                    let i = Naive.index(flat, shape)
                    return reference(Naive.broadcastElement(a.scalars, left, at: i), Naive.broadcastElement(b.scalars, right, at: i))
                }
                assertClose(y, expected, "\(left) \(name) \(right)")
            }
        }
    }

    func testScalarOperatorsComputeTheirDefinitions() {
        let x = Tensor([1, -2, 4])
        XCTAssertEqual((x + 1).scalars, [2, -1, 5])
        XCTAssertEqual((1 + x).scalars, [2, -1, 5])
        XCTAssertEqual((x - 1).scalars, [0, -3, 3])
        XCTAssertEqual((1 - x).scalars, [0, 3, -3])
        XCTAssertEqual((x * 2).scalars, [2, -4, 8])
        XCTAssertEqual((x / 2).scalars, [0.5, -1, 2])
        XCTAssertEqual((2 / x).scalars, [2, -1, 0.5])
        XCTAssertEqual((-x).scalars, [-1, 2, -4])
    }

    func testSumAndMeanOverAxesMatchLoops() {
        let shape = [2, 3, 4]
        let x = randomTensor(shape, salt: 50)
        for axes in [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2], [-1]] {
            let resolved = Set(axes.map { $0 < 0 ? $0 + 3 : $0 })
            let kept = shape.enumerated().map { resolved.contains($0.offset) ? 1 : $0.element }
            var expected = [Double](repeating: 0, count: kept.reduce(1, *))
            for flat in 0..<x.count {
                let i = Naive.index(flat, shape)
                let target = zip(i, kept).map { $1 == 1 ? 0 : $0 }
                expected[zip(target, Naive.strides(kept)).map(*).reduce(0, +)] += Double(x.scalars[flat])
            }
            let summed = x.sum(axes: axes, keepDims: true)
            XCTAssertEqual(summed.shape, kept)
            assertClose(summed, expected, "sum over \(axes)")
            XCTAssertEqual(x.sum(axes: axes).shape, shape.enumerated().filter { !resolved.contains($0.offset) }.map(\.element))
            let n = Double(resolved.map { shape[$0] }.reduce(1, *))
            assertClose(x.mean(axes: axes), expected.map { $0 / n }, "mean over \(axes)")
        }
        assertClose(x.sum(), [x.scalars.map(Double.init).reduce(0, +)], "sum")
        assertClose(x.mean(), [x.scalars.map(Double.init).reduce(0, +) / 24], "mean")
        XCTAssertEqual(x.sum().shape, [])
    }

    func testSumToShapeAndBroadcastAreAdjoint() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.sum(toShape: [3]).scalars, [5, 7, 9])
        XCTAssertEqual(x.sum(toShape: [2, 1]).scalars, [6, 15])
        XCTAssertEqual(x.sum(toShape: []).scalars, [21])
        XCTAssertEqual(Tensor([1, 2]).reshaped([2, 1]).broadcast(to: [2, 3]).scalars, [1, 1, 1, 2, 2, 2])
        XCTAssertEqual(Tensor([1, 2, 3]).broadcast(to: [2, 2, 3]).scalars, [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3])
    }

    func testPermuteMovesEachElementToItsPermutedIndex() {
        let shape = [2, 3, 4, 5]
        let x = randomTensor(shape, salt: 60)
        for permutation in [[0, 2, 3, 1], [3, 2, 1, 0], [1, 0, 2, 3], [0, 1, 3, 2]] {
            let y = x.permuted(permutation)
            let outShape = permutation.map { shape[$0] }
            XCTAssertEqual(y.shape, outShape)
            let expected = (0..<y.count).map { flat -> Double in
                let out = Naive.index(flat, outShape)
                var source = [Int](repeating: 0, count: 4)
                for (axis, p) in permutation.enumerated() { source[p] = out[axis] }
                return Double(x.scalars[zip(source, Naive.strides(shape)).map(*).reduce(0, +)])
            }
            assertClose(y, expected, "permute \(permutation)")
        }
        XCTAssertEqual(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]).transposed().scalars, [1, 4, 2, 5, 3, 6])
    }

    func testConcatSliceAndGatherRowsPlaceElements() {
        let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let b = Tensor(shape: [2, 1], scalars: [5, 6])
        let c = Tensor(shape: [1, 2], scalars: [7, 8])
        XCTAssertEqual(concat([a, b, a], axis: 1).scalars, [1, 2, 5, 1, 2, 3, 4, 6, 3, 4])
        XCTAssertEqual(concat([a, c, a], axis: 0).scalars, [1, 2, 3, 4, 7, 8, 1, 2, 3, 4])
        XCTAssertEqual(concat([a, c], axis: 0).shape, [3, 2])
        let x = Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Float.init))
        XCTAssertEqual(x.slice(axis: 1, 1..<3).scalars, [2, 3, 4, 5, 8, 9, 10, 11])
        XCTAssertEqual(x.slice(axis: 0, 1..<2).scalars, [6, 7, 8, 9, 10, 11])
        XCTAssertEqual(x.slice(axis: 2, 1..<2).scalars, [1, 3, 5, 7, 9, 11])
        XCTAssertEqual(x.slice(axis: 1, 1..<3).shape, [2, 2, 2])
        XCTAssertEqual(x.gatherRows([1, 0, 1]).scalars, [6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    }

    func testReshapeIsAViewThatInfersOneExtent() {
        let x = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        let y = x.reshaped([4, -1])
        XCTAssertEqual(y.shape, [4, 6])
        XCTAssertTrue(y.storage === x.storage)
        XCTAssertEqual(y.scalars, x.scalars)
        XCTAssertEqual(x.flattenedBatch().shape, [2, 12])
    }

    func testNormIsTheEuclideanLengthAlongTheAxis() {
        let shape = [2, 3, 4]
        let x = randomTensor(shape, salt: 70)
        for axis in 0..<3 {
            var kept = shape
            kept[axis] = 1
            var squares = [Double](repeating: 0, count: kept.reduce(1, *))
            for flat in 0..<x.count {
                var i = Naive.index(flat, shape)
                i[axis] = 0
                squares[zip(i, Naive.strides(kept)).map(*).reduce(0, +)] += Double(x.scalars[flat]) * Double(x.scalars[flat])
            }
            let norms = x.norm(axis: axis, keepDims: true)
            XCTAssertEqual(norms.shape, kept)
            assertClose(norms, squares.map { $0.squareRoot() }, "norm along \(axis)")
            XCTAssertEqual(x.norm(axis: axis).rank, 2)
        }
        XCTAssertEqual(Tensor(shape: [2, 2], scalars: [3, 4, 0, 0]).norm(axis: 1).scalars, [5, 0])
    }

    func testAveragePoolingAndNearestUpsampling() {
        let x = Tensor(shape: [1, 1, 2, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(x.averagePooled(2).scalars, [3.5, 5.5])
        XCTAssertEqual(x.averagePooled(2).shape, [1, 1, 1, 2])
        XCTAssertEqual(Tensor(shape: [1, 1, 1, 2], scalars: [1, 2]).upsampledNearest(2).scalars, [1, 1, 2, 2, 1, 1, 2, 2])
        let y = randomTensor([2, 3, 6, 9], salt: 80)
        let pooled = y.averagePooled(3)
        let expected = (0..<pooled.count).map { flat -> Double in
            let i = Naive.index(flat, pooled.shape)
            var total = 0.0
            for dy in 0..<3 {
                for dx in 0..<3 { total += Double(y.scalars[((i[0] * 3 + i[1]) * 6 + i[2] * 3 + dy) * 9 + i[3] * 3 + dx]) }
            }
            return total / 9
        }
        assertClose(pooled, expected, "averagePooled(3)")
        assertClose(y.upsampledNearest(2).averagePooled(2), y.scalars.map(Double.init), "upsample then pool")
    }

    func testActivationsMatchTheirFormulas() {
        let values: [Float] = [-3, -0.5, 0.25, 2]
        let x = Tensor(values)
        let d = values.map(Double.init)
        assertClose(x.relu(), d.map { max($0, 0) }, "relu")
        assertClose(x.leakyReLU(slope: 0.2), d.map { $0 > 0 ? $0 : 0.2 * $0 }, "leakyReLU")
        assertClose(x.elu(alpha: 1.5), d.map { $0 > 0 ? $0 : 1.5 * (Foundation.exp($0) - 1) }, "elu")
        assertClose(x.tanh(), d.map { Foundation.tanh($0) }, "tanh")
        assertClose(x.sigmoid(), d.map { 1 / (1 + Foundation.exp(-$0)) }, "sigmoid")
        assertClose(x.softplus(), d.map { Foundation.log(1 + Foundation.exp($0)) }, "softplus")
        assertClose(x.logSigmoid(), d.map { Foundation.log(1 / (1 + Foundation.exp(-$0))) }, "logSigmoid")
        assertClose(x.abs(), d.map { Swift.abs($0) }, "abs")
        assertClose(x.clamped(to: -1, 1), d.map { min(max($0, -1), 1) }, "clamped")
        assertClose(x.square(), d.map { $0 * $0 }, "square")
        assertClose(x.exp(), d.map { Foundation.exp($0) }, "exp")
        assertClose(x.abs().log(), d.map { Foundation.log(Swift.abs($0)) }, "log")
        assertClose(x.abs().sqrt(), d.map { Swift.abs($0).squareRoot() }, "sqrt")
        assertClose(x.abs().pow(1.5), d.map { Foundation.pow(Swift.abs($0), 1.5) }, "pow")
    }

    func testSoftplusAndLogSigmoidStayFiniteAndExactAtLargeMagnitudes() {
        let x = Tensor([-100, -30, 30, 100])
        let softplus = x.softplus().scalars
        let logSigmoid = x.logSigmoid().scalars
        let sigmoid = x.sigmoid().scalars
        for v in softplus + logSigmoid + sigmoid { XCTAssertTrue(v.isFinite) }
        // softplus(x) → 0 (from above) for x → −∞ and → x for x → +∞; logSigmoid = −softplus(−x).
        XCTAssertEqual(softplus[0], 0, accuracy: 1e-30)
        XCTAssertGreaterThanOrEqual(softplus[0], 0)
        XCTAssertEqual(softplus[1], Float(Foundation.exp(-30.0)), accuracy: 1e-18)
        XCTAssertEqual(softplus[2], 30)
        XCTAssertEqual(softplus[3], 100)
        XCTAssertEqual(logSigmoid[0], -100)
        XCTAssertEqual(logSigmoid[1], -30)
        XCTAssertEqual(logSigmoid[3], 0, accuracy: 1e-30)
        XCTAssertLessThanOrEqual(logSigmoid[3], 0)
        XCTAssertEqual(sigmoid, [0, Float(Foundation.exp(-30.0)), 1, 1].map { Float($0) }, accuracy: 1e-18)
    }
}

/// Elementwise equality within `accuracy`.
func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}
