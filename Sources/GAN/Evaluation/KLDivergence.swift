#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// KL(p ‖ q) = Σ pᵢ log(pᵢ / qᵢ) in nats, for two probability vectors of equal length.
/// Conventions: a term with pᵢ = 0 is 0 (0·log 0 = 0, the limit), and a term with
/// pᵢ > 0 and qᵢ = 0 makes the divergence +∞.
func klDivergence(_ p: [Double], from q: [Double]) -> Double {
    precondition(p.count == q.count, "klDivergence: \(p.count) and \(q.count) probabilities")
    var total = 0.0
    for (pi, qi) in zip(p, q) where pi > 0 {
        guard qi > 0 else { return .infinity }
        total += pi * log(pi / qi)
    }
    // Rounding can leave a tiny negative value for equal distributions; KL is never negative.
    return Swift.max(total, 0)
}

/// `counts` divided by their sum; nil when the sum is 0.
func frequencies<Count: BinaryInteger>(_ counts: [Count]) -> [Double]? {
    let total = counts.reduce(0.0) { $0 + Double($1) }
    guard total > 0 else { return nil }
    return counts.map { Double($0) / total }
}
