import Autograd
import NN
import XCTest

final class BatchNormTests: XCTestCase {
    private let batch = Tensor(shape: [4, 3], scalars: [1, 2, 0, 3, -1, 0.5, -2, 0, 1, 0.5, 4, -1])

    private func makeBatchNorm1d() -> BatchNorm {
        let layer = BatchNorm(features: 3)
        layer.weight.assign(Tensor([1.5, 0.5, -1]))
        layer.bias.assign(Tensor([0.1, 0, -0.2]))
        return layer
    }

    func testTrainingForwardAndRunningStatisticsMatchPyTorch() {
        let layer = makeBatchNorm1d()
        // Reference: torch.nn.BatchNorm1d(3) with the same weight, bias and batch.
        assertClose(
            layer(batch).scalars,
            [
                0.41583759, 0.19528311, -0.030970693, 2.1003046, -0.58584929, -0.70708793, -2.110863, -0.32547182,
                -1.3832052, -0.0052791834, 0.71603805, 1.3212638,
            ], "training output")
        // running_var stores the unbiased variance: channel 0 has biased variance 3.2291667, times 4/3, blended 0.1.
        assertClose(layer.runningMean.scalars, [0.0625, 0.125, 0.0125], accuracy: 1e-6, "running_mean")
        assertClose(layer.runningVariance.scalars, [1.3229166, 1.3916667, 0.97291666], accuracy: 1e-6, "running_var")
        _ = layer(batch * 2 + 1)
        assertClose(layer.runningMean.scalars, [0.28125, 0.46249998, 0.13625], accuracy: 1e-6, "running_mean, 2 batches")
        assertClose(layer.runningVariance.scalars, [2.8822916, 3.2191665, 1.1672916], accuracy: 1e-5, "running_var, 2 batches")
        XCTAssertEqual(layer.batchesTracked.item, 2)
    }

    func testEvaluationUsesRunningStatistics() {
        let layer = makeBatchNorm1d()
        _ = layer(batch)
        _ = layer(batch * 2 + 1)
        layer.isTraining = false
        let before = layer.runningMean.scalars
        assertClose(
            layer(batch).scalars,
            [
                0.73503757, 0.42846245, -0.073891327, 2.5020986, -0.40756184, -0.53667545, -1.9155539, -0.12888707,
                -0.99945956, 0.29327232, 0.98581195, 0.85167688,
            ], "evaluation output")
        XCTAssertEqual(layer.runningMean.scalars, before, "evaluation leaves the running statistics alone")
        XCTAssertEqual(layer.batchesTracked.item, 2)
    }

    func testSpatialBatchNormMatchesPyTorch() {
        let layer = BatchNorm(features: 2, spatial: true)
        layer.weight.assign(Tensor([2, 0.5]))
        layer.bias.assign(Tensor([0, 1]))
        let images = Tensor(shape: [2, 2, 2, 2], scalars: [1, 2, 3, 4, -1, 0, 1, 5, 2, 2, 0, -1, 0.5, 0.25, 3, 1])
        // Reference: torch.nn.BatchNorm2d(2).
        assertClose(
            layer(images).scalars,
            [
                -0.83624017, 0.50174403, 1.8397282, 3.1777124, 0.37776828, 0.65821075, 0.93865323, 2.0604231,
                0.50174403, 0.50174403, -2.1742244, -3.5122085, 0.79843199, 0.72832137, 1.4995382, 0.93865323,
            ], "training output")
        assertClose(layer.runningMean.scalars, [0.16250001, 0.121875], accuracy: 1e-6, "running_mean")
        assertClose(layer.runningVariance.scalars, [1.1553571, 1.2632812], accuracy: 1e-6, "running_var")
        layer.isTraining = false
        assertClose(
            layer(images).scalars,
            [
                1.5583135, 3.4189863, 5.2796593, 7.1403322, 0.50092852, 0.94578332, 1.3906381, 3.1700573, 3.4189863,
                3.4189863, -0.30235934, -2.1630321, 1.1682107, 1.0569971, 2.2803478, 1.3906381,
            ], "evaluation output")
    }

    func testStateIsNamedAsPyTorch() {
        XCTAssertEqual(
            namesAndShapes(BatchNorm(features: 3).stateDictionary()),
            ["weight [3]", "bias [3]", "running_mean [3]", "running_var [3]", "num_batches_tracked []"])
        XCTAssertEqual(BatchNorm(features: 3).namedParameters.map(\.name), ["weight", "bias"])
    }

    func testTrainingGradientsMatchFiniteDifferences() {
        let layer = makeBatchNorm1d()
        ModuleGradientCheck().verify(layer, input: batch)
        let spatial = BatchNorm(features: 2, spatial: true)
        spatial.weight.assign(Tensor([1.3, -0.7]))
        ModuleGradientCheck().verify(spatial, input: normalTensor([3, 2, 2, 2], salt: 20))
    }

    func testEvaluationGradientsMatchFiniteDifferences() {
        let layer = makeBatchNorm1d()
        _ = layer(batch)
        layer.isTraining = false
        ModuleGradientCheck().verify(layer, input: batch)
    }

    func testIdentityCrossReplicaSumChangesNothing() {
        let plain = makeBatchNorm1d()
        let synchronized = makeBatchNorm1d()
        var shapes: [[Int]] = []
        synchronized.crossReplicaSum = { statistics in
            shapes.append(statistics.shape)
            return statistics
        }
        let x = batch.requiringGrad()
        let y1 = plain(x)
        let y2 = synchronized(x)
        XCTAssertEqual(shapes, [[2, 3], [1, 3]], "[count; sum], then the squared deviations, per channel")
        XCTAssertEqual(y2.scalars, y1.scalars, "the same formula as without the hook")
        XCTAssertEqual(synchronized.runningVariance.scalars, plain.runningVariance.scalars, "running_var")
        let weights = fixedWeights([4, 3], salt: 0)
        let g1 = gradients(of: (y1 * weights).sum(), wrt: [x, plain.weight, plain.bias])
        let g2 = gradients(of: (y2 * weights).sum(), wrt: [x, synchronized.weight, synchronized.bias])
        for (a, b) in zip(g2, g1) { assertClose(a.scalars, b.scalars, accuracy: 1e-5, "gradient") }
        ModuleGradientCheck().verify(synchronized, input: batch)
    }

    /// Two ranks hold rows 0..<2 and 2..<4 of the batch. Each rank's crossReplicaSum adds
    /// the other shard's part of each pass (constants here): its count and sum, then its
    /// squared deviations from the global mean. Each rank must normalize exactly as
    /// BatchNorm does over the whole batch.
    func testCrossReplicaSumNormalizesWithGlobalBatchStatistics() {
        let whole = makeBatchNorm1d()
        let expected = whole(batch).scalars
        let shards = [batch.slice(axis: 0, 0..<2), batch.slice(axis: 0, 2..<4)]
        let globalMean = batch.mean(axes: [0], keepDims: true)
        let shardStatistics = shards.map { shard in
            [
                concat([Tensor(repeating: Float(shard.shape[0]), shape: [1, 3]), shard.sum(axes: [0]).reshaped([1, 3])], axis: 0),
                (shard - globalMean).square().sum(axes: [0]).reshaped([1, 3]),
            ]
        }
        var outputs: [Float] = []
        var weightGradients = Tensor.zeros([3])
        var biasGradients = Tensor.zeros([3])
        let weights = fixedWeights([4, 3], salt: 0)
        for rank in 0..<2 {
            let layer = makeBatchNorm1d()
            var passes = shardStatistics[1 - rank]
            layer.crossReplicaSum = { mine in mine + passes.removeFirst() }
            let y = layer(shards[rank])
            outputs += y.scalars
            assertClose(layer.runningMean.scalars, whole.runningMean.scalars, accuracy: 1e-6, "rank \(rank) running_mean")
            assertClose(layer.runningVariance.scalars, whole.runningVariance.scalars, accuracy: 1e-5, "rank \(rank) running_var")
            let rows = weights.slice(axis: 0, (2 * rank)..<(2 * rank + 2))
            let g = gradients(of: (y * rows).sum(), wrt: [layer.weight, layer.bias])
            weightGradients = weightGradients + g[0]
            biasGradients = biasGradients + g[1]
        }
        assertClose(outputs, expected, accuracy: 1e-5, "outputs of both ranks")
        // The affine parameters' gradients summed over ranks (what the trainer's allreduce does)
        // equal the whole batch's.
        let wholeGradients = gradients(of: (whole(batch) * weights).sum(), wrt: [whole.weight, whole.bias])
        assertClose(weightGradients.scalars, wholeGradients[0].scalars, accuracy: 1e-5, "weight gradient")
        assertClose(biasGradients.scalars, wholeGradients[1].scalars, accuracy: 1e-5, "bias gradient")
    }
}
