import NN
import XCTest

@testable import Training

/// The keys of the monoflow, gran and mmd methods: every bad value or combination is
/// one line naming the key; good ones pass.
final class MethodConfigurationTests: XCTestCase {
    func testMonoFlowKeys() {
        XCTAssertNil(configurationError(flags: ["--method", "monoflow"]))
        XCTAssertNil(configurationError(flags: ["--method", "monoflow", "--monoflow-h", "arcsinh", "--monoflow-c", "-2"]))
        assertConfigurationFails(
            flags: ["--method", "monoflow", "--monoflow-h", "exp"],
            with: "--monoflow-h: monoflow.h: expected one of ns, vanilla, logit, arcsinh, got 'exp'")
        assertConfigurationFails(
            flags: ["--method", "monoflow", "--objective", "hinge"],
            with: "--objective: loss.objective: does not apply to method monoflow (its critic is logistic and monoflow.h sets the generator loss); got hinge, leave it at wasserstein")
    }

    func testGraNKeys() {
        XCTAssertNil(configurationError(flags: ["--method", "gran", "--penalty", "none", "--objective", "hinge", "--gran-variant", "gn"]))
        XCTAssertNil(configurationError(flags: ["--method", "gran", "--penalty", "none", "--gran-epsilon", "0"]))
        assertConfigurationFails(
            flags: ["--method", "gran", "--penalty", "none", "--gran-epsilon", "-1e-4"], with: "--gran-epsilon: gran.epsilon: must be at least 0, got -0.0001")
        assertConfigurationFails(flags: ["--method", "gran", "--penalty", "none", "--gran-k", "0"], with: "--gran-k: gran.k: must be positive, got 0")
        assertConfigurationFails(
            flags: ["--method", "gran", "--penalty", "none", "--objective", "minimax"],
            with: "--objective: loss.objective: method gran takes wasserstein, hinge, nonsaturating, got minimax")
        assertConfigurationFails(
            flags: ["--method", "gran"],
            with: "default: loss.penalty: method gran takes no critic penalty (the gradient normalization bounds the critic instead): set it to none (--penalty none), got gp")
        assertConfigurationFails(flags: ["--method", "gran", "--penalty", "none", "--gran-variant", "l2"], with: "--gran-variant: gran.variant: expected one of gran, gn, got 'l2'")
    }

    func testMMDKeys() {
        let mmd = ["--method", "mmd", "--penalty", "none"]
        XCTAssertNil(configurationError(flags: mmd))
        XCTAssertNil(configurationError(flags: mmd + ["--model", "dcgan", "--mmd-kid-schedule", "--dataset", "npy", "--data", "/x.npy"]))
        assertConfigurationFails(flags: mmd + ["--mmd-dof-dim", "0"], with: "--mmd-dof-dim: mmd.dof_dim: must be at least 1, got 0")
        assertConfigurationFails(flags: mmd + ["--mmd-gradient-penalty", "-1"], with: "--mmd-gradient-penalty: mmd.gradient_penalty: must be at least 0, got -1")
        assertConfigurationFails(flags: mmd + ["--mmd-clip-norm", "-0.5"], with: "--mmd-clip-norm: mmd.clip_norm: must be at least 0, got -0.5")
        assertConfigurationFails(flags: mmd + ["--mmd-kid-samples", "3"], with: "--mmd-kid-samples: mmd.kid_samples: must be at least 4, got 3")
        assertConfigurationFails(flags: mmd + ["--mmd-kid-every", "0"], with: "--mmd-kid-every: mmd.kid_every: must be at least 1, got 0")
        assertConfigurationFails(
            flags: mmd + ["--model", "resnet"], with: "--model: model.kind: method mmd needs a critic with mmd.dof_dim outputs: mlp or dcgan, got resnet")
        assertConfigurationFails(
            flags: ["--method", "mmd"],
            with: "default: loss.penalty: method mmd takes no critic penalty (its witness penalty is mmd.gradient_penalty): set it to none (--penalty none), got gp")
        assertConfigurationFails(
            flags: mmd + ["--mmd-kid-schedule", "--dataset", "mnist", "--data", "/tmp", "--model", "dcgan"],
            with: "--mmd-kid-schedule: mmd.kid_schedule: the KID test on images needs eval.classifier (--classifier FILE from tandem classifier train)")
    }

    func testACriticWithBatchNormIsRejectedByTheInputGradientMethods() throws {
        let config = try TrainingConfiguration(try resolvedValues(flags: ["--method", "gran", "--penalty", "none"]))
        let critic = Sequential([Linear(inputs: 2, outputs: 3, seed: 1, name: "0"), BatchNorm(features: 3), Linear(inputs: 3, outputs: 1, seed: 2, name: "2")])
        XCTAssertThrowsError(try CommonKeyChecks.requireNoBatchNorm(critic, config, method: .gran)) {
            XCTAssertEqual(
                "\($0)", "default: model.kind: method gran needs each sample's own input gradient, and the mlp critic has batch normalization")
        }
        XCTAssertNoThrow(try CommonKeyChecks.requireNoBatchNorm(Sequential([Linear(inputs: 2, outputs: 1, seed: 1, name: "0")]), config, method: .gran))
    }
}
