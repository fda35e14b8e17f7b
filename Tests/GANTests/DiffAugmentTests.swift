import Autograd
@testable import GAN
import XCTest

/// DiffAugment's transforms: their ranges in Tandem's [0, 1] pixels, and draws keyed by
/// global sample index so a batch split among ranks is augmented as one batch.
final class DiffAugmentTests: XCTestCase {
    private func draws(step: Int = 0, firstRow: Int = 0) -> AugmentDraws {
        AugmentDraws(seed: 3, purpose: "augment.real", step: step, firstRow: firstRow)
    }

    func testRowsAreAugmentedAlikeWhicheverSliceOfTheBatchTheyArriveIn() {
        let images = seededTensor([7, 3, 8, 8], salt: 1, scale: 0.3, shift: 0.5)
        let augment = DiffAugment(policy: [.color, .translation, .cutout])
        let whole = augment(images, draws: draws(step: 4)).scalars
        let head = augment(images.slice(axis: 0, 0..<3), draws: draws(step: 4)).scalars
        let tail = augment(images.slice(axis: 0, 3..<7), draws: draws(step: 4, firstRow: 3)).scalars
        XCTAssertEqual(whole, head + tail)
        XCTAssertNotEqual(whole, augment(images, draws: draws(step: 5)).scalars, "another step draws other parameters")
    }

    func testBrightnessShiftsByUpToAQuarterInUnitPixelsHalfTheReferencesRangeOnMinusOneToOne() {
        // A flat gray image: saturation and contrast leave it alone, brightness moves it.
        let images = Tensor(repeating: 0.5, shape: [200, 1, 2, 2])
        let out = DiffAugment(policy: [.color])(images, draws: draws()).scalars
        let shifts = stride(from: 0, to: out.count, by: 4).map { out[$0] - 0.5 }
        for s in 0..<200 { XCTAssertEqual(Array(out[(4 * s)..<(4 * s + 4)]), [Float](repeating: out[4 * s], count: 4)) }
        XCTAssertLessThanOrEqual(shifts.map(Swift.abs).max()!, 0.25)
        XCTAssertGreaterThan(shifts.max()! - shifts.min()!, 0.45, "the shifts fill U(-0.25, 0.25)")
    }

    func testSaturationAndContrastScaleAroundTheirMeansWithinTheReferencesFactors() {
        // Saturation ×U(0, 2) about the channel mean, then contrast ×U(0.5, 1.5) about the image mean.
        let pixel: [Float] = [0.2, 0.5, 0.8]
        let images = Tensor(shape: [100, 3, 1, 1], scalars: Array([[Float]](repeating: pixel, count: 100).joined()))
        var noBrightness = DiffAugment(policy: [.color])
        noBrightness.brightnessRange = 0
        let out = noBrightness(images, draws: draws()).scalars
        var factors: [Float] = []
        for s in 0..<100 {
            let (r, g, b) = (out[3 * s], out[3 * s + 1], out[3 * s + 2])
            XCTAssertEqual((r + g + b) / 3, 0.5, accuracy: 1e-5, "both keep the mean of a one-pixel image")
            XCTAssertEqual(g, 0.5, accuracy: 1e-5)
            factors.append((b - r) / 0.6)
        }
        XCTAssertGreaterThanOrEqual(factors.min()!, 0)
        XCTAssertLessThan(factors.max()!, 3)
        XCTAssertGreaterThan(factors.max()!, 1.5)
    }

    func testTranslationShiftsByAtMostAnEighthOfTheSideWithZeroFill() {
        // 28 px: the reference's int(28 · 0.125 + 0.5) = 4 pixels each way.
        XCTAssertEqual(DiffAugment.extent(28, 0.125), 4)
        let images = Tensor(repeating: 1, shape: [300, 1, 28, 28])
        let out = DiffAugment(policy: [.translation])(images, draws: draws()).scalars
        var seen = Set<[Int]>()
        for s in 0..<300 {
            let rows = (0..<28).filter { y in (0..<28).contains { out[s * 784 + y * 28 + $0] != 0 } }
            let columns = (0..<28).filter { x in (0..<28).contains { out[s * 784 + $0 * 28 + x] != 0 } }
            let (dy, dx) = (rows.first! > 0 ? rows.first! : rows.count - 28, columns.first! > 0 ? columns.first! : columns.count - 28)
            XCTAssertEqual(Float(out[s * 784 ..< (s + 1) * 784].reduce(0, +)), Float((28 - abs(dy)) * (28 - abs(dx))))
            seen.insert([dx, dy])
        }
        XCTAssertEqual(seen.map { $0[0] }.min(), -4)
        XCTAssertEqual(seen.map { $0[0] }.max(), 4)
        XCTAssertEqual(seen.map { $0[1] }.max(), 4)
    }

    func testCutoutZeroesOneSquareOfHalfTheSideClippedToTheImage() {
        let images = Tensor(repeating: 1, shape: [300, 1, 28, 28])
        let out = DiffAugment(policy: [.cutout])(images, draws: draws()).scalars
        var sizes = Set<Int>()
        for s in 0..<300 {
            let zeros = (0..<784).filter { out[s * 784 + $0] == 0 }
            let (ys, xs) = (Set(zeros.map { $0 / 28 }), Set(zeros.map { $0 % 28 }))
            XCTAssertEqual(zeros.count, ys.count * xs.count, "one rectangle")
            XCTAssertTrue((7...14).contains(ys.count) && (7...14).contains(xs.count), "\(ys.count)x\(xs.count)")
            sizes.insert(ys.count)
        }
        XCTAssertTrue(sizes.contains(14) && sizes.contains(7), "whole squares and squares clipped by half: \(sizes.sorted())")
    }
}
