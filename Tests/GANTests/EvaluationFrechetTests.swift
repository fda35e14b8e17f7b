import Autograd
import GAN
import XCTest

final class EvaluationFrechetTests: XCTestCase {
    /// A random symmetric d×d matrix with entries in [−1, 1).
    private func randomSymmetric(_ d: Int, seed: UInt64) -> [Double] {
        let u = RandomStream(seed: seed, purpose: "test.symmetric").uniform(rows: d, columns: d).scalars
        var m = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0...i { m[i * d + j] = 2 * Double(u[i * d + j]) - 1; m[j * d + i] = m[i * d + j] } }
        return m
    }

    func testJacobiDecompositionReconstructsRandomSymmetricMatrices() {
        for (d, seed) in [(2, UInt64(1)), (6, 2), (20, 3)] {
            let matrix = randomSymmetric(d, seed: seed)
            let eigen = SymmetricEigendecomposition(symmetric: matrix, dimension: d)
            let rebuilt = eigen.reconstructed()
            for i in 0..<(d * d) { XCTAssertEqual(rebuilt[i], matrix[i], accuracy: 1e-12, "d = \(d), entry \(i)") }
            XCTAssertEqual(eigen.eigenvalues, eigen.eigenvalues.sorted())
            // The eigenvectors are orthonormal: VᵀV = I.
            let v = eigen.eigenvectors
            for a in 0..<d {
                for b in 0..<d {
                    let dot = (0..<d).reduce(0.0) { $0 + v[$1 * d + a] * v[$1 * d + b] }
                    XCTAssertEqual(dot, a == b ? 1 : 0, accuracy: 1e-12)
                }
            }
        }
    }

    func testJacobiFindsKnownEigenvaluesAndSquareRoot() {
        let eigen = SymmetricEigendecomposition(symmetric: [2, 1, 1, 2], dimension: 2)
        XCTAssertEqual(eigen.eigenvalues[0], 1, accuracy: 1e-14)
        XCTAssertEqual(eigen.eigenvalues[1], 3, accuracy: 1e-14)
        // The square root of [[2, 1], [1, 2]] squares back to it.
        let root = eigen.reconstructed { $0.squareRoot() }
        let squared = [
            root[0] * root[0] + root[1] * root[2], root[0] * root[1] + root[1] * root[3],
            root[2] * root[0] + root[3] * root[2], root[2] * root[1] + root[3] * root[3],
        ]
        for (s, m) in zip(squared, [2.0, 1, 1, 2]) { XCTAssertEqual(s, m, accuracy: 1e-13) }
    }

    func testDiagonalCovariancesMatchTheClosedForm() throws {
        let a = FittedGaussian(mean: [0, 1, 2], covariance: [1, 0, 0, 0, 4, 0, 0, 0, 9])
        let b = FittedGaussian(mean: [1, 1, 0], covariance: [4, 0, 0, 0, 1, 0, 0, 0, 0.25])
        // ‖Δμ‖² + Σ(√a − √b)² = (1 + 0 + 4) + (1 + 1 + 6.25).
        XCTAssertEqual(try frechetDistance(a, b), 5 + 8.25, accuracy: 1e-12)
        XCTAssertEqual(try frechetDistance(a, a), 0, accuracy: 1e-12)
    }

    func testGeneralCovariancesMatchNumPyReference() throws {
        // Reference: NumPy, Tr(A + B) − 2·Σ√eig(A^½ B A^½) + ‖Δμ‖² (and via eig(AB) alike).
        let a = FittedGaussian(mean: [0, 1, -1], covariance: [2, 0.5, 0.1, 0.5, 1, 0.3, 0.1, 0.3, 0.5])
        let b = FittedGaussian(mean: [0.5, 0.5, 0], covariance: [1, -0.2, 0, -0.2, 2, 0.4, 0, 0.4, 1.5])
        XCTAssertEqual(try frechetDistance(a, b), 2.311841260114523, accuracy: 1e-12)
        XCTAssertEqual(try frechetDistance(b, a), 2.311841260114523, accuracy: 1e-12)
    }

    func testMomentsGiveMeanAndUnbiasedCovariance() throws {
        let moments = try FeatureMoments(features: Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 9]))
        let gaussian = try moments.gaussian()
        XCTAssertEqual(moments.count, 3)
        XCTAssertEqual(gaussian.mean, [3, 5])
        for (c, e) in zip(gaussian.covariance, [4.0, 7, 7, 13]) { XCTAssertEqual(c, e, accuracy: 1e-12) }
    }

    func testMomentsOfTwoShardsAddUpToMomentsOfTheirUnion() throws {
        let features = RandomStream(seed: 5, purpose: "test.moments").normal(rows: 50, columns: 4)
        let union = try FeatureMoments(features: features)
        let first = try FeatureMoments(features: features.slice(axis: 0, 0..<20))
        let second = try FeatureMoments(features: features.slice(axis: 0, 20..<50))
        let summed = first + second
        XCTAssertEqual(summed.count, union.count)
        for (s, u) in zip(summed.flattened, union.flattened) { XCTAssertEqual(s, u, accuracy: 1e-9) }
        XCTAssertEqual(FeatureMoments(dimension: 4) + union, union)
        // The flat vector (what ranks sum) round-trips.
        XCTAssertEqual(try FeatureMoments(flattened: union.flattened, dimension: 4), union)
        let reduced = zip(first.flattened, second.flattened).map { $0 + $1 }
        XCTAssertEqual(try FeatureMoments(flattened: reduced, dimension: 4), summed)
    }

    func testIdenticalFeatureSetsAreAtZeroDistance() throws {
        let features = RandomStream(seed: 6, purpose: "test.frechet").normal(rows: 300, columns: 5)
        let moments = try FeatureMoments(features: features)
        XCTAssertEqual(try frechetDistance(moments, moments), 0, accuracy: 1e-9)
    }

    func testUnitGaussiansWithShiftedMeansAreAtTheSquaredShift() throws {
        let stream = RandomStream(seed: 8, purpose: "test.frechet")
        let shift = Tensor(shape: [1, 4], scalars: [1, -0.5, 0, 0.5])  // ‖μ1 − μ2‖² = 1.5
        let x = try FeatureMoments(features: stream.normal(rows: 2000, columns: 4))
        let y = try FeatureMoments(features: stream.normal(rows: 2000, columns: 4, firstRow: 2000) + shift)
        // Sampling error: standard deviation about 0.08 at 2000 samples in 4 dimensions.
        XCTAssertEqual(try frechetDistance(x, y), 1.5, accuracy: 0.3)
    }

    func testTooFewVectorsOrMismatchedDimensionsThrow() throws {
        let one = try FeatureMoments(features: Tensor(shape: [1, 2], scalars: [0, 1]))
        XCTAssertThrowsError(try one.gaussian()) {
            XCTAssertEqual($0 as? EvaluationError, .tooFewSamples(input: "feature moments", found: 1, minimum: 2))
        }
        let two = try FeatureMoments(features: Tensor(shape: [2, 2], scalars: [0, 1, 2, 3]))
        let three = try FeatureMoments(features: Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5]))
        XCTAssertThrowsError(try frechetDistance(two, three))
        XCTAssertThrowsError(try FeatureMoments(flattened: [1, 2, 3], dimension: 2))
    }
}
