import XCTest

@testable import Training

final class ConfigurationValidationTests: XCTestCase {
    func testLearningRatesMustBePositiveAndFinite() {
        assertConfigurationFails(
            yaml: "optimizer: {critic: {lr: 0}}", with: "run.yaml: optimizer.critic.lr: must be positive, got 0")
        assertConfigurationFails(flags: ["--lr-g", "-1e-4"], with: "--lr-g: optimizer.generator.lr: must be positive, got -0.0001")
        assertConfigurationFails(
            flags: ["--lr-d", "1e39"], with: "--lr-d: optimizer.critic.lr: must be a finite 32-bit number, got 1e+39")
    }

    func testBetasMustLieInTheHalfOpenUnitInterval() {
        assertConfigurationFails(
            yaml: "optimizer: {generator: {betas: [1.0, 0.9]}}",
            with: "run.yaml: optimizer.generator.betas: each beta must be in [0, 1), got 1")
        assertConfigurationFails(
            flags: ["--betas-d", "-0.1,0.9"], with: "--betas-d: optimizer.critic.betas: each beta must be in [0, 1), got -0.1")
        assertConfigurationFails(
            flags: ["--betas-d", "0.5,1.5"], with: "--betas-d: optimizer.critic.betas: each beta must be in [0, 1), got 1.5")
        XCTAssertNil(configurationError(flags: ["--betas-d", "0,0.999"]))
    }

    func testWeightDecayMomentumAndPenaltyWeightMustNotBeNegative() {
        assertConfigurationFails(
            flags: ["--weight-decay-d", "-0.1"], with: "--weight-decay-d: optimizer.critic.weight_decay: must be at least 0, got -0.1")
        assertConfigurationFails(
            yaml: "optimizer: {generator: {momentum: -1}}", with: "run.yaml: optimizer.generator.momentum: must be at least 0, got -1")
        assertConfigurationFails(
            yaml: "loss: {penalty_weight: -1}", with: "run.yaml: loss.penalty_weight: must be at least 0, got -1")
    }

    func testCountsMustBeAtLeastOne() {
        assertConfigurationFails(yaml: "train: {steps: 0}", with: "run.yaml: train.steps: must be at least 1, got 0")
        assertConfigurationFails(flags: ["--steps", "-3"], with: "--steps: train.steps: must be at least 1, got -3")
        assertConfigurationFails(flags: ["--n-critic", "0"], with: "--n-critic: train.n_critic: must be at least 1, got 0")
        assertConfigurationFails(flags: ["--batch-size=0"], with: "--batch-size: train.batch_size: must be at least 1, got 0")
        assertConfigurationFails(yaml: "loss: {penalty_every: 0}", with: "run.yaml: loss.penalty_every: must be at least 1, got 0")
        assertConfigurationFails(flags: ["--log-every", "0"], with: "--log-every: log.log_every: must be at least 1, got 0")
        assertConfigurationFails(flags: ["--width", "0"], with: "--width: model.width: must be at least 1, got 0")
        assertConfigurationFails(flags: ["--z-dim", "0"], with: "--z-dim: model.z_dim: must be at least 1, got 0")
    }

    func testIntervalsAndSeedMustNotBeNegative() {
        assertConfigurationFails(flags: ["--seed", "-1"], with: "--seed: seed: must be at least 0, got -1")
        assertConfigurationFails(flags: ["--sample-every", "-1"], with: "--sample-every: log.sample_every: must be at least 0, got -1")
        assertConfigurationFails(
            flags: ["--checkpoint-every", "-1"], with: "--checkpoint-every: log.checkpoint_every: must be at least 0, got -1")
        assertConfigurationFails(
            flags: ["--keep-checkpoints", "-2"], with: "--keep-checkpoints: log.keep_checkpoints: must be at least 0, got -2")
        XCTAssertNil(configurationError(flags: ["--sample-every", "0", "--checkpoint-every", "0", "--keep-checkpoints", "0"]))
    }

    func testClipLimitMustBePositive() {
        assertConfigurationFails(flags: ["--clip-limit", "0"], with: "--clip-limit: loss.clip_limit: must be positive, got 0")
        assertConfigurationFails(yaml: "loss: {clip_limit: -0.01}", with: "run.yaml: loss.clip_limit: must be positive, got -0.01")
    }

    func testEMADecayMustLieInTheHalfOpenUnitInterval() {
        assertConfigurationFails(flags: ["--ema-decay", "1"], with: "--ema-decay: train.ema_decay: must be in [0, 1), got 1.0")
        assertConfigurationFails(yaml: "train: {ema_decay: -0.5}", with: "run.yaml: train.ema_decay: must be in [0, 1), got -0.5")
        XCTAssertNil(configurationError(flags: ["--ema-decay", "0"]))
    }

    func testEMAHalfLifeAndRampupMustBePositive() {
        assertConfigurationFails(yaml: "train: {ema_kimg: 0}", with: "run.yaml: train.ema_kimg: must be positive, got 0.0")
        assertConfigurationFails(
            flags: ["--ema-kimg", "10", "--ema-rampup", "-1"], with: "--ema-rampup: train.ema_rampup: must be positive, got -1.0")
    }

    func testFileDatasetsNeedADataPathNamedByWhereTheDatasetWasChosen() {
        assertConfigurationFails(
            flags: ["--dataset", "mnist"], with: "--dataset: data.path: dataset mnist needs its data: pass --data PATH")
        assertConfigurationFails(
            yaml: "data: {dataset: cifar10}", with: "run.yaml: data.path: dataset cifar10 needs its data: pass --data PATH")
        assertConfigurationFails(
            flags: ["--set", "data.dataset=npy"], with: "--set data.dataset: data.path: dataset npy needs its data: pass --data PATH")
        XCTAssertNil(configurationError(flags: ["--dataset", "npy", "--data", "samples.npy"]))
    }

    func testTheNameMustBeNonEmptyAndHaveNoSlash() {
        assertConfigurationFails(yaml: "name: \"\"", with: "run.yaml: name: must be a non-empty name without '/'")
        assertConfigurationFails(flags: ["--name", "runs/a"], with: "--name: name: must be a non-empty name without '/'")
    }
}
