/// The Fréchet distance between two Gaussians (the Wasserstein-2 distance squared; FID
/// when the features come from Inception, Heusel et al. 2017):
///
///     d² = ‖μa − μb‖² + Tr(Σa + Σb − 2·(Σa^½ Σb Σa^½)^½)
///
/// Tr((Σa^½ Σb Σa^½)^½) is the sum of the square roots of the eigenvalues of the
/// symmetric matrix Σa^½ Σb Σa^½; both it and Σa^½ come from a Jacobi eigendecomposition
/// in Double. Covariances are positive semidefinite in exact arithmetic, so eigenvalues
/// that rounding leaves slightly negative (or a rank-deficient fit with fewer samples
/// than dimensions leaves at ±tiny) are clamped to 0 before the square root.
public func frechetDistance(_ a: FittedGaussian, _ b: FittedGaussian) throws(EvaluationError) -> Double {
    guard a.dimension == b.dimension else {
        throw .sizeMismatch(what: "dimensions of the two Gaussians", first: a.dimension, second: b.dimension)
    }
    let d = a.dimension
    let clampedRoot: (Double) -> Double = { Swift.max($0, 0).squareRoot() }
    let rootA = SymmetricEigendecomposition(symmetric: a.covariance, dimension: d).reconstructed(applying: clampedRoot)
    let middle = multiply(multiply(rootA, b.covariance, d), rootA, d)
    let traceOfRoot = SymmetricEigendecomposition(symmetric: middle, dimension: d).eigenvalues.reduce(0) { $0 + clampedRoot($1) }

    var meanTerm = 0.0
    for (x, y) in zip(a.mean, b.mean) { meanTerm += (x - y) * (x - y) }
    var traceTerm = 0.0
    for i in 0..<d { traceTerm += a.covariance[i * d + i] + b.covariance[i * d + i] }
    return meanTerm + traceTerm - 2 * traceOfRoot
}

/// The Fréchet distance between the Gaussian fits of two feature sets' moments (FID-style).
/// Throws when either set has fewer than two vectors or the dimensions differ.
public func frechetDistance(_ a: FeatureMoments, _ b: FeatureMoments) throws(EvaluationError) -> Double {
    try frechetDistance(a.gaussian(), b.gaussian())
}

/// The product of two row-major d×d matrices.
private func multiply(_ x: [Double], _ y: [Double], _ d: Int) -> [Double] {
    var result = [Double](repeating: 0, count: d * d)
    for i in 0..<d {
        for k in 0..<d {
            let xik = x[i * d + k]
            if xik == 0 { continue }
            for j in 0..<d { result[i * d + j] += xik * y[k * d + j] }
        }
    }
    return result
}
