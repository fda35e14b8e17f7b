import Autograd
import MPI
import NN
import XCTest

@testable import Training

/// The sharded update: reduce-scatter the gradients, each rank steps its share,
/// allgather the parameters. It must equal an allreduce followed by a whole step.
final class ShardedUpdateTests: XCTestCase {
    func testShardsSplitEveryElementOnceWithSizesDifferingByAtMostOne() throws {
        let shards = try ThreadGroup.run(ranks: 3) { comm in
            GradientSynchronizer(parameters: [Tensor.zeros([4, 3]), Tensor.zeros([5])], comm: comm).shards
        }[0]
        XCTAssertEqual(shards, [0..<6, 6..<12, 12..<17])
    }

    private static func model() -> [(name: String, tensor: Tensor)] {
        [
            ("a", Tensor(shape: [4, 3], scalars: (0..<12).map { Float($0) * 0.25 - 1 }).requiringGrad()),
            ("b", Tensor([0.5, -0.5, 1, 2, -2]).requiringGrad()),
        ]
    }

    private static func gradients(rank: Int) -> [Tensor] {
        [
            Tensor(shape: [4, 3], scalars: (0..<12).map { Float(($0 * (rank + 3)) % 7) - 3 }),
            Tensor([1, 2, 3, 4, 5].map { Float($0 * (rank + 1)) * 0.1 }),
        ]
    }

    func testAShardedAdamStepOnThreeRanksEqualsOneWholeStep() throws {
        let model = Self.model, gradients = Self.gradients(rank:)
        // Reference: the summed gradient applied in one process.
        let reference = model()
        let referenceOptimizer = try Adam(parameters: reference, learningRate: 0.1, betas: (0.5, 0.9))
        let summed = (0..<3).map(gradients).reduce(into: gradients(0).map { Tensor.zeros($0.shape) }) { total, next in
            total = zip(total, next).map { pair in withoutGradients { pair.0 + pair.1 } }
        }
        for _ in 0..<2 { referenceOptimizer.step(gradients: summed) }

        let results = try ThreadGroup.run(ranks: 3) { comm -> [[Float]] in
            let parameters = model()
            let optimizer = try Adam(parameters: parameters, learningRate: 0.1, betas: (0.5, 0.9))
            let sync = GradientSynchronizer(parameters: parameters.map(\.tensor), comm: comm)
            for _ in 0..<2 {
                let views = try sync.reduceScatter(gradients(comm.rank))
                optimizer.step(gradients: views, elements: sync.ownShard)
                try sync.allgather(parameters.map(\.tensor))
            }
            // Complete the optimizer state from the other ranks' shares, as before a checkpoint.
            let state = Dictionary(uniqueKeysWithValues: optimizer.stateTensors().map { ($0.name, $0.tensor) })
            for kind in ["exp_avg", "exp_avg_sq"] { try sync.allgather(parameters.map { state["\($0.name).\(kind)"]! }) }
            return parameters.map(\.tensor.scalars) + ["a.exp_avg", "b.exp_avg_sq"].map { state[$0]!.scalars }
        }
        let expected = reference.map(\.tensor.scalars) + ["a.exp_avg", "b.exp_avg_sq"].map { name in
            referenceOptimizer.stateTensors().first { $0.name == name }!.tensor.scalars
        }
        for rank in 0..<3 {
            for (got, want) in zip(results[rank], expected) {
                for (x, y) in zip(got, want) { XCTAssertEqual(x, y, accuracy: 1e-6, "rank \(rank)") }
            }
        }
    }
}
