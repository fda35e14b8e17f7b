import Autograd

/// The energy distance (Székely and Rizzo) between the distributions behind two sample
/// sets X (n rows) and Y (m rows) of D-dimensional points:
///
///     E(X, Y) = 2·E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖
///
/// estimated with every pair: the cross term averages all n·m distances, and each
/// within-set term is a U-statistic, averaging the n(n−1) distances between distinct
/// rows. The within-set terms are then unbiased, so the estimate is centred on the true
/// distance (0 for equal distributions) and may come out slightly negative. Distances
/// and sums are taken in Double. Cost is O((n + m)²·D): gather samples, then call once.
///
/// Throws unless both inputs are [N, D] with the same D and at least two rows each.
public func energyDistance(_ x: Tensor, _ y: Tensor) throws(EvaluationError) -> Double {
    let a = try SampleMatrix(x, input: "first sample set")
    let b = try SampleMatrix(y, input: "second sample set")
    guard a.columns == b.columns else {
        throw .sizeMismatch(what: "dimensions of the two sample sets", first: a.columns, second: b.columns)
    }
    try a.requireRows(2, input: "first sample set")
    try b.requireRows(2, input: "second sample set")
    return 2 * meanCrossDistance(a, b) - meanWithinDistance(a) - meanWithinDistance(b)
}

/// The mean distance over all n·m pairs of one row of `a` and one row of `b`.
private func meanCrossDistance(_ a: SampleMatrix, _ b: SampleMatrix) -> Double {
    var sum = 0.0
    for i in 0..<a.rows {
        var rowSum = 0.0
        for j in 0..<b.rows { rowSum += a.distance(i, b, j) }
        sum += rowSum
    }
    return sum / (Double(a.rows) * Double(b.rows))
}

/// The mean distance over the n(n−1) ordered pairs of distinct rows of `a` (each unordered pair counted once, twice weighted).
private func meanWithinDistance(_ a: SampleMatrix) -> Double {
    var sum = 0.0
    for i in 0..<a.rows {
        var rowSum = 0.0
        for j in (i + 1)..<a.rows { rowSum += a.distance(i, a, j) }
        sum += rowSum
    }
    let n = Double(a.rows)
    return 2 * sum / (n * (n - 1))
}
