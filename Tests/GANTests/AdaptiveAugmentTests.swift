import Autograd
@testable import GAN
import XCTest

/// ADA's pipeline at a given p, and the rule that moves p, against hand-computed cases.
final class AdaptiveAugmentTests: XCTestCase {
    private func draws(firstRow: Int = 0) -> AugmentDraws {
        AugmentDraws(seed: 9, purpose: "augment.real", step: 2, firstRow: firstRow)
    }

    func testAtProbabilityZeroTheImagesPassUnchanged() {
        let images = seededTensor([5, 3, 6, 6], salt: 2)
        XCTAssertEqual(AdaptiveAugment(probability: 0)(images, draws: draws()).scalars, images.scalars)
    }

    func testAtProbabilityOneEverySampleChangesAndRowsDoNotDependOnTheirSlice() {
        let images = seededTensor([6, 3, 6, 6], salt: 3, scale: 0.2, shift: 0.5)
        let augment = AdaptiveAugment(probability: 1)
        let whole = augment(images, draws: draws()).scalars
        for s in 0..<6 { XCTAssertNotEqual(Array(whole[(s * 108)..<((s + 1) * 108)]), Array(images.scalars[(s * 108)..<((s + 1) * 108)])) }
        let tail = augment(images.slice(axis: 0, 2..<6), draws: draws(firstRow: 2)).scalars
        XCTAssertEqual(Array(whole[(2 * 108)...]), tail)
    }

    func testEachTransformIsAppliedToAboutAShareOfPOfTheSamples() {
        // Cutout alone changes an all-ones image when colors and shifts are turned off: count the samples it hit.
        var augment = AdaptiveAugment(probability: 0.3)
        (augment.brightnessStd, augment.contrastLog2Std, augment.shiftRatio) = (0, 0, 0)
        let out = augment(Tensor(repeating: 1, shape: [2000, 1, 8, 8]), draws: draws()).scalars
        let hits = (0..<2000).filter { s in out[(s * 64)..<((s + 1) * 64)].contains(0) }.count
        XCTAssertEqual(Double(hits) / 2000, 0.3, accuracy: 0.04)
    }

    func testCutoutCoversPixelsWithinAQuarterOfTheSideOfItsCentre() {
        XCTAssertEqual(AdaptiveAugment.covered(8, centre: 0.5, half: 0.25), 2..<6)
        XCTAssertEqual(AdaptiveAugment.covered(8, centre: 0.05, half: 0.25), 0..<2)
        XCTAssertEqual(AdaptiveAugment.covered(8, centre: 0.999, half: 0.25), 6..<8)
    }

    func testPMovesByTheImagesSeenOverKimgTowardsTheTargetAndStopsAtZeroAndOne() {
        // Batch 64, interval 4, ada_kimg 500: 256 images move p by 256/500,000 = 0.000512.
        let step = 64 * 4
        XCTAssertEqual(AdaptiveAugment.nextProbability(0.5, meanSign: 0.8, target: 0.6, images: step, kimg: 500), 0.500512, accuracy: 1e-7)
        XCTAssertEqual(AdaptiveAugment.nextProbability(0.5, meanSign: 0.2, target: 0.6, images: step, kimg: 500), 0.499488, accuracy: 1e-7)
        XCTAssertEqual(AdaptiveAugment.nextProbability(0.5, meanSign: 0.6, target: 0.6, images: step, kimg: 500), 0.5)
        XCTAssertEqual(AdaptiveAugment.nextProbability(0.0002, meanSign: -1, target: 0.6, images: step, kimg: 500), 0)
        // The reference would go on to 1.000312; Tandem stops at 1.
        XCTAssertEqual(AdaptiveAugment.nextProbability(0.9998, meanSign: 1, target: 0.6, images: step, kimg: 500), 1)
        XCTAssertEqual(AdaptiveAugment.nextProbability(1, meanSign: 0.9, target: 0.6, images: step, kimg: 500), 1)
        // A small kimg moves p in large steps: 12 · 2 / 100 = 0.24.
        XCTAssertEqual(AdaptiveAugment.nextProbability(0.25, meanSign: 0.7, target: 0.6, images: 24, kimg: 0.1), 0.49, accuracy: 1e-6)
    }
}
