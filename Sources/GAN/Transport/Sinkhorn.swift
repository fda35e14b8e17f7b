import Autograd
import Foundation

/// Entropic optimal transport between two uniformly weighted point sets (Cuturi 2013;
/// the log-domain iterations and ε-scaling of Feydy et al.'s geomloss, which DP-Sinkhorn
/// calls): OT_ε(α, β) = min_π ⟨π, C⟩ + ε·KL(π ‖ α⊗β) with the cost
/// C(x, y) = ‖x − y‖ᵖ / p.
///
/// Gradients come from the envelope theorem, not from differentiating the iterations:
/// the potentials are computed without a graph, then the loss is the semi-dual value
/// ⟨α, f⟩ + ⟨β, g⟩ with g held fixed and f = softmin_ε(g − C) recomputed as Tensor ops,
/// whose gradient with respect to C is the transport plan π. At convergence that is the
/// exact gradient of OT_ε; its cost in time and memory does not grow with the iterations.
public struct Sinkhorn: Sendable {
    /// The entropic regularization ε, in units of the cost (ε = blur^p in geomloss).
    public let epsilon: Float
    /// Exponent of the Euclidean cost: 1 (distance) or 2 (half the squared distance).
    public let p: Int
    /// Iterations (an f update and a g update each) at ε, after the annealing.
    public let iterations: Int
    /// ε-scaling: start at the largest cost and multiply ε by this factor each
    /// iteration until it reaches `epsilon` (geomloss's default is 0.5); nil starts at ε.
    public let scaling: Float?

    public init(epsilon: Float, p: Int, iterations: Int, scaling: Float? = nil) {
        precondition(epsilon > 0 && (p == 1 || p == 2) && iterations >= 0, "Sinkhorn: epsilon \(epsilon), p \(p), iterations \(iterations)")
        precondition(scaling.map { $0 > 0 && $0 < 1 } ?? true, "Sinkhorn: scaling must be in (0, 1)")
        self.epsilon = epsilon
        self.p = p
        self.iterations = iterations
        self.scaling = scaling
    }

    /// The cost matrix [n, m] between rows of x ([n, d]) and y ([m, d]): ‖x − y‖ (p 1) or
    /// ‖x − y‖² / 2 (p 2), from ‖x‖² + ‖y‖² − 2 x·y.
    public func cost(_ x: Tensor, _ y: Tensor) -> Tensor {
        precondition(x.rank == 2 && y.rank == 2 && x.shape[1] == y.shape[1], "Sinkhorn.cost: point sets \(x.shape) and \(y.shape)")
        let xx = x.square().sum(axes: [1], keepDims: true)
        let yy = y.square().sum(axes: [1]).reshaped([1, y.shape[0]])
        let squared = xx + yy - matmul(x, y, transposeB: true) * 2
        if p == 2 { return squared.clamped(to: 0, .greatestFiniteMagnitude) * 0.5 }
        // The distance's gradient is unbounded at 0: coincident points contribute none.
        return squared.clamped(to: 1e-12, .greatestFiniteMagnitude).sqrt()
    }

    /// OT_ε between the rows of x and of y, differentiable in both (envelope gradient).
    public func transportCost(_ x: Tensor, _ y: Tensor) -> Tensor {
        let c = cost(x, y)
        let g = withoutGradients { potentials(cost: c.scalars, rows: c.shape[0], columns: c.shape[1]).g }
        return semiDual(cost: c, g: g)
    }

    /// ⟨α, f⟩ + ⟨β, g⟩ with f_i = −ε log Σ_j β_j exp((g_j − C_ij)/ε) computed from `cost`
    /// ([n, m], differentiable) and g held fixed: a lower bound of OT_ε for any g, equal to
    /// it at the optimal g, and its gradient with respect to C is the plan π that g implies.
    public func semiDual(cost c: Tensor, g: [Double]) -> Tensor {
        let (n, m) = (c.shape[0], c.shape[1])
        precondition(g.count == m, "Sinkhorn.semiDual: \(g.count) potentials for \(m) columns")
        let logWeightY = -Foundation.log(Double(m))
        let row = Tensor(shape: [1, m], scalars: g.map { Float($0 + Double(epsilon) * logWeightY) })
        let exponents = (row - c) * (1 / epsilon)
        // Stable log-sum-exp: the row maximum is a constant shift, so the gradient is unchanged.
        let shift = Tensor(shape: [n, 1], scalars: withoutGradients { rowMaxima(exponents.scalars, rows: n, columns: m) })
        let f = ((exponents - shift).exp().sum(axes: [1], keepDims: true).log() + shift) * (-epsilon)
        return f.mean() + Float(g.reduce(0, +) / Double(m))
    }

    /// The dual potentials (f on the rows, g on the columns) of `cost` ([rows·columns],
    /// row-major), by alternating log-domain updates in double precision:
    /// f_i = −ε log Σ_j β_j exp((g_j − C_ij)/ε), then g_j = −ε log Σ_i α_i exp((f_i − C_ij)/ε).
    public func potentials(cost: [Float], rows n: Int, columns m: Int) -> (f: [Double], g: [Double]) {
        precondition(cost.count == n * m && n > 0 && m > 0, "Sinkhorn.potentials: \(cost.count) costs for \(n)x\(m)")
        let c = cost.map(Double.init)
        var transposed = [Double](repeating: 0, count: n * m)
        for i in 0..<n { for j in 0..<m { transposed[j * n + i] = c[i * m + j] } }
        var f = [Double](repeating: 0, count: n)
        var g = [Double](repeating: 0, count: m)
        let (logA, logB) = (-Foundation.log(Double(n)), -Foundation.log(Double(m)))
        for eps in schedule(largestCost: c.max() ?? 0) {
            softminUpdate(&f, costs: c, count: n, other: g, logWeight: logB, epsilon: eps)
            softminUpdate(&g, costs: transposed, count: m, other: f, logWeight: logA, epsilon: eps)
        }
        return (f, g)
    }

    /// The ε of every iteration: the annealing from the largest cost down (with
    /// `scaling`), then `iterations` at ε.
    public func schedule(largestCost: Double) -> [Double] {
        let target = Double(epsilon)
        var values: [Double] = []
        if let scaling, largestCost > target {
            var eps = largestCost
            while eps > target {
                values.append(eps)
                eps *= Double(scaling)
            }
        }
        return values + Array(repeating: target, count: iterations)
    }
}

/// potential[i] = −ε log Σ_j exp(logWeight + (other_j − costs[i·k + j])/ε), for each of
/// `count` rows of k = other.count costs, with the maximum factored out.
private func softminUpdate(_ potential: inout [Double], costs: [Double], count: Int, other: [Double], logWeight: Double, epsilon: Double) {
    let k = other.count
    var exponents = [Double](repeating: 0, count: k)
    for i in 0..<count {
        var largest = -Double.infinity
        for j in 0..<k {
            exponents[j] = (other[j] - costs[i * k + j]) / epsilon
            largest = max(largest, exponents[j])
        }
        var total = 0.0
        for j in 0..<k { total += Foundation.exp(exponents[j] - largest) }
        potential[i] = -epsilon * (logWeight + largest + Foundation.log(total))
    }
}

/// The largest entry of each row of a row-major [rows, columns] matrix.
private func rowMaxima(_ values: [Float], rows: Int, columns: Int) -> [Float] {
    (0..<rows).map { r in values[(r * columns)..<((r + 1) * columns)].max() ?? 0 }
}
