import TestSupport
import Autograd
import Data
import Foundation
import MPI
import NN
import XCTest

@testable import Training

/// A method defined here, outside Tandem, with three networks and two phases (one of
/// them updating two networks from one loss, one coupling samples across the global
/// batch), trains through the public API and ends with the same parameters on 1, 2
/// and 3 ranks: adding a method needs no change to the trainer. SGD, unlike Adam, sees a
/// wrong gradient scale (and does not turn float noise in a zero gradient into full steps).
final class CustomMethodTests: XCTestCase {
    /// Encoder and decoder map points through a 3-D code; the critic scores points.
    final class CodecMethod: TrainingMethod {
        let encoder: Network
        let decoder: Network
        let critic: Network

        init(_ setup: MethodSetup) throws {
            let sgd = TrainingConfiguration.OptimizerSettings(kind: .sgd, learningRate: 0.05)
            let (steps, comm, seed) = (setup.config.steps, setup.comm, setup.config.seed)
            encoder = try Network(
                name: "encoder", metricsKey: "e", build: { Sequential([Linear(inputs: 2, outputs: 3, seed: seed, name: "0"), Tanh()]) },
                settings: sgd, steps: steps, comm: comm)
            decoder = try Network(
                name: "decoder", metricsKey: "c", build: { Sequential([Linear(inputs: 3, outputs: 2, seed: seed &+ 1, name: "0")]) },
                settings: sgd, steps: steps, comm: comm)
            critic = try Network(
                name: "critic", metricsKey: "d",
                build: { Sequential([Linear(inputs: 2, outputs: 4, seed: seed &+ 2, name: "0"), ReLU(), Linear(inputs: 4, outputs: 1, seed: seed &+ 2, name: "2")]) },
                settings: TrainingConfiguration.OptimizerSettings(kind: .sgd, learningRate: 0.1, momentum: 0.5), steps: steps, comm: comm,
                constraint: .clip(limit: 0.5))
        }

        var networks: [Network] { [encoder, decoder, critic] }

        func phases(at step: Int) -> [Phase] {
            [Phase(name: "critic", networks: [critic], repeats: 2, loss: criticLoss), Phase(name: "codec", networks: [encoder, decoder], loss: codecLoss)]
        }

        /// Real points against decoded noise, plus the variance of the critic's outputs over
        /// the whole global batch (a term that couples every sample with every other).
        func criticLoss(_ context: StepContext) -> PhaseLoss {
            let real = context.realBatch()
            let fake = withoutGradients { decoder.module(encoder.module(context.normal(columns: 2))) }
            let (onReal, onFake) = (critic.module(real), critic.module(fake))
            let objective = (onFake - onReal).sum() * context.share
            let all = context.gatherBatch(onReal)
            let centred = all - all.mean()
            let spread = (centred * centred).mean() * (1 / Float(context.collectives.size))
            return PhaseLoss(total: objective + spread * 0.5, logged: [("critic_loss", Double(objective.item))])
        }

        /// The critic's verdict on decoded noise and the reconstruction error of real points,
        /// one loss for two networks.
        func codecLoss(_ context: StepContext) -> PhaseLoss {
            let real = context.realBatch()
            let reconstructed = decoder.module(encoder.module(real))
            let verdict = critic.module(decoder.module(encoder.module(context.normal(columns: 2))))
            let loss = ((reconstructed - real).square().sum() - verdict.sum()) * context.share
            return PhaseLoss(total: loss, logged: [("codec_loss", Double(loss.item))])
        }

        func sampleSource(averaged: Bool) throws -> any SampleSource {
            GeneratorSource(generator: Sequential([encoder.module, decoder.module]), latentDimension: 2, sampleShape: [2])
        }
    }

    /// Trains the method for 6 iterations on `ranks` ranks; returns every network's flat values.
    private func train(ranks: Int, in directory: URL) throws -> [[Float]] {
        let values = try resolvedValues(flags: [
            "--run-dir", directory.appendingPathComponent("ranks\(ranks)").path, "--steps", "6", "--batch-size", "13", "--log-every", "3",
            "--sample-every", "0", "--checkpoint-every", "0",
        ])
        let config = try TrainingConfiguration(values)
        return try ThreadGroup.run(ranks: ranks) { comm -> [[Float]] in
            let trainer = try Trainer(
                config: config, comm: comm, options: TrainerOptions(showProgress: false), method: { try CodecMethod($0) }, say: { _ in })
            _ = try trainer.run()
            return trainer.method.networks.map { $0.parameters.values.scalars }
        }[0]
    }

    func testAThreeNetworkTwoPhaseMethodTrainsTheSameModelOnOneTwoAndThreeRanks() throws {
        let directory = try TemporaryDirectory()
        let one = try train(ranks: 1, in: directory.url)
        let untrained = try CodecMethod(
            MethodSetup(config: try TrainingConfiguration(resolvedValues()), sampleShape: [2], comm: LocalCommunicator(), dataset: nil))
        for (trained, initial) in zip(one, untrained.networks.map(\.parameters.values.scalars)) {
            XCTAssertGreaterThan(relativeDistance(trained, initial), 1e-3, "the run must move every network")
        }
        for ranks in [2, 3] {
            for (index, (a, b)) in zip(one, try train(ranks: ranks, in: directory.url)).enumerated() {
                XCTAssertLessThanOrEqual(relativeDistance(a, b), 1e-5, "network \(index) on \(ranks) ranks")
            }
        }
        let checkpoint = directory.url.appendingPathComponent("ranks3/checkpoints/step-0000006")
        let files = try FileManager.default.contentsOfDirectory(atPath: checkpoint.path).sorted()
        XCTAssertEqual(files, ["critic.safetensors", "decoder.safetensors", "encoder.safetensors", "optimizers.safetensors", "state.json"])
    }

    private func relativeDistance(_ a: [Float], _ b: [Float]) -> Double {
        let difference = zip(a, b).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +).squareRoot()
        return difference / max(a.map { Double($0) * Double($0) }.reduce(0, +).squareRoot(), 1e-12)
    }
}
