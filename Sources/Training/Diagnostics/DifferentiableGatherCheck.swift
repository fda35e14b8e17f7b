import Autograd
import MPI

/// Checks the differentiable collectives (`Collectives.allgather` of rows and
/// `Collectives.sum`) on every rank, forward, first and second order, with uneven row
/// counts (rank r contributes 2 rows when r is even, 1 when odd). Inputs and weights
/// are small integers, so every expected value is exact and compared bit for bit:
/// - forward: the gathered rows are every rank's rows in rank order;
/// - first order: with L_r = Σ G ⊙ W_r on rank r (G the gathered rows), each rank's
///   gradient is its own rows of Σ_r W_r (the backward sums over ranks);
/// - second order: with L_r = ½ Σ G ⊙ G ⊙ W_r, the gradient taken with createGraph is
///   x ⊙ V (V = own rows of Σ_r W_r), and differentiating Σ (that gradient ⊙ C_r) again
///   gives V ⊙ C_r: the second pass runs back through the gather's backward (an
///   allreduce inside the graph) and the gather itself;
/// - the allreduce-sum: forward Σ_r y_r, backward Σ_r w_r.
public struct DifferentiableGatherCheck: Sendable {
    /// Gathers rows as `Collectives.allgather` does (a test substitutes a broken one).
    public typealias Gather = @Sendable (Collectives, Tensor, [Int]) -> Tensor
    let gather: Gather

    public init(gather: @escaping Gather = { collectives, x, counts in collectives.allgather(x, counts: counts) }) {
        self.gather = gather
    }

    /// Rows per rank for `size` ranks.
    public static func counts(ranks size: Int) -> [Int] { (0..<size).map { $0 % 2 == 0 ? 2 : 1 } }

    /// What this rank found wrong (empty: every check passed). Every rank must call it.
    public func run(on comm: any Communicator) -> [String] {
        let collectives = Collectives(comm: comm)
        let counts = Self.counts(ranks: comm.size)
        let rank = comm.rank
        var failures: [String] = []
        func expect(_ name: String, _ actual: Tensor, _ expected: [Float]) {
            if actual.scalars != expected { failures.append("differentiable \(name): got \(actual.scalars), expected \(expected)") }
        }
        let x = Self.rows(rank: rank, count: counts[rank]).requiringGrad()
        let gathered = gather(collectives, x, counts)
        expect("gather forward", gathered, (0..<comm.size).flatMap { Self.rows(rank: $0, count: counts[$0]).scalars })
        let own = Self.ownRows(counts: counts, rank: rank)
        let summedWeights = (0..<comm.size).map { Self.weights($0, rows: gathered.shape[0]).scalars }
            .reduce(into: [Float](repeating: 0, count: gathered.count)) { total, w in for i in w.indices { total[i] += w[i] } }
        let mine = Array(summedWeights[(own.lowerBound * 3)..<(own.upperBound * 3)])
        let first = gradients(of: (gathered * Self.weights(rank, rows: gathered.shape[0])).sum(), wrt: [x])[0]
        expect("gather first order", first, mine)

        let squares = (gather(collectives, x, counts).square() * Self.weights(rank, rows: gathered.shape[0])).sum() * 0.5
        let inner = gradients(of: squares, wrt: [x], createGraph: true)[0]
        expect("gather gradient with createGraph", inner, zip(x.scalars, mine).map { $0 * $1 })
        let second = gradients(of: (inner * Self.rows(rank: rank + 5, count: counts[rank])).sum(), wrt: [x])[0]
        expect("gather second order", second, zip(mine, Self.rows(rank: rank + 5, count: counts[rank]).scalars).map { $0 * $1 })

        let y = Tensor([Float(rank + 1), Float(2 * rank - 3)]).requiringGrad()
        let total = collectives.sum(y)
        expect("sum forward", total, [Float(comm.size * (comm.size + 1) / 2), Float(comm.size * (comm.size - 1) - 3 * comm.size)])
        let w = { (r: Int) in [Float(r + 2), Float(1 - r)] }
        let sumGradient = gradients(of: (total * Tensor(w(rank))).sum(), wrt: [y])[0]
        expect("sum backward", sumGradient, (0..<comm.size).map(w).reduce([0, 0]) { [$0[0] + $1[0], $0[1] + $1[1]] })
        return failures
    }

    /// Rank r's rows: [count, 3], element (i, j) = 10·(r + 1) + 3i + j.
    static func rows(rank: Int, count: Int) -> Tensor {
        Tensor(shape: [count, 3], scalars: (0..<(count * 3)).map { Float(10 * (rank + 1) + $0) })
    }

    /// W_r over all gathered rows: element (i, j) = r + 1 + i − j.
    static func weights(_ rank: Int, rows: Int) -> Tensor {
        Tensor(shape: [rows, 3], scalars: (0..<(rows * 3)).map { Float(rank + 1 + $0 / 3 - $0 % 3) })
    }

    static func ownRows(counts: [Int], rank: Int) -> Range<Int> {
        let first = counts[..<rank].reduce(0, +)
        return first..<(first + counts[rank])
    }
}
