import Autograd
import Foundation

/// The transforms of StyleGAN2-ADA's augmentation pipeline (Karras et al. 2020,
/// NVlabs/stylegan2-ada-pytorch `training/augment.py`) that move whole pixels or
/// change colors, each applied to a sample with probability p: a mirror image
/// (the coin then picks mirrored or not), 0–3 quarter turns, a whole-pixel shift of up
/// to 1/8 of the side; brightness, contrast, saturation; a cut-out square of half
/// the side. The reference's fractional geometry (scale, rotation, anisotropy,
/// fractional shift), luma flip, hue and filtering are not included.
///
/// Constants carried from the reference's [−1, 1] pixels to Tandem's [0, 1]
/// (x₀₁ = (x + 1)/2): brightness b ~ N(0, 0.2) there is N(0, 0.1) here; contrast
/// c = 2^N(0, 0.5) scales around 0 there, around 0.5 here (x ↦ c·(x + b − 0.5) + 0.5);
/// saturation s = 2^N(0, 1) around each pixel's channel mean is the same in either
/// range. Shifted-in borders and the cut-out square are 0 (the reference pads its
/// shifts by reflection and cuts to its 0, mid-gray).
public struct AdaptiveAugment: Sendable {
    /// Probability that each transform is applied to a sample.
    public var probability: Float

    public var shiftRatio: Float = 0.125
    public var brightnessStd: Float = 0.1
    public var contrastLog2Std: Float = 0.5
    public var saturationLog2Std: Float = 1
    public var cutoutRatio: Float = 0.5

    public init(probability: Float) {
        self.probability = probability
    }

    /// The augmented batch [n, C, H, W] (square images), with the random numbers of `draws`.
    public func callAsFunction(_ images: Tensor, draws: AugmentDraws) -> Tensor {
        let (n, height, width) = (images.shape[0], images.shape[2], images.shape[3])
        var x = remapPixels(images, geometry(draws, n: n, height: height, width: width))
        let coins = draws.uniform("color.coins", rows: n, columns: 3).map { $0.map { $0 < probability } }
        let values = draws.normal("color", rows: n, columns: 3)
        let shifts = (0..<n).map { coins[$0][0] ? values[$0][0] * brightnessStd : 0 }
        let contrasts = (0..<n).map { coins[$0][1] ? exp2(values[$0][1] * contrastLog2Std) : 1 }
        x = ColorTransforms.contrast(ColorTransforms.brightness(x, shifts: shifts), factors: contrasts, around: 0.5)
        x = ColorTransforms.saturation(x, factors: (0..<n).map { coins[$0][2] ? exp2(values[$0][2] * saturationLog2Std) : 1 })
        return remapPixels(x, cutouts(draws, n: n, height: height, width: width))
    }

    /// Mirror, quarter turns, then shift, composed into one map per sample.
    private func geometry(_ draws: AugmentDraws, n: Int, height: Int, width: Int) -> [PixelMap] {
        draws.uniform("geometry", rows: n, columns: 8).map { u in
            var map = PixelMap.identity(height: height, width: width)
            if u[0] < probability && u[1] < 0.5 { map = map.then(.mirrored(height: height, width: width)) }
            if u[2] < probability { map = map.then(.rotated(height: height, width: width, quarterTurns: min(Int(u[3] * 4), 3))) }
            if u[4] < probability {
                let dx = Int((Float(width) * (u[5] * 2 - 1) * shiftRatio).rounded(.toNearestOrEven))
                let dy = Int((Float(height) * (u[6] * 2 - 1) * shiftRatio).rounded(.toNearestOrEven))
                map = map.then(.shifted(height: height, width: width, dx: dx, dy: dy))
            }
            return map
        }
    }

    /// Pixels whose centres lie within half the square's side of a uniform centre, on both axes.
    private func cutouts(_ draws: AugmentDraws, n: Int, height: Int, width: Int) -> [PixelMap] {
        draws.uniform("cutout", rows: n, columns: 3).map { u in
            guard u[0] < probability else { return PixelMap.identity(height: height, width: width) }
            return PixelMap.cutout(
                height: height, width: width, rows: Self.covered(height, centre: u[2], half: cutoutRatio / 2),
                columns: Self.covered(width, centre: u[1], half: cutoutRatio / 2))
        }
    }

    /// Indices i of 0..<side with |(i + 0.5)/side − centre| < half.
    static func covered(_ side: Int, centre: Float, half: Float) -> Range<Int> {
        let inside = (0..<side).filter { Swift.abs((Float($0) + 0.5) / Float(side) - centre) < half }
        guard let first = inside.first, let last = inside.last else { return 0..<0 }
        return first..<(last + 1)
    }

    /// StyleGAN2-ADA's update: p moves by `images`/(kimg·1000) towards more augmentation
    /// when the critic's mean sign on real samples exceeds `target` (it is overfitting),
    /// towards less when below, not at all when equal; clamped to [0, 1] (the reference
    /// clamps only at 0, and its p can pass 1).
    public static func nextProbability(_ p: Float, meanSign: Double, target: Double, images: Int, kimg: Double) -> Float {
        let direction: Double = meanSign > target ? 1 : (meanSign < target ? -1 : 0)
        return Float(min(max(Double(p) + direction * Double(images) / (kimg * 1000), 0), 1))
    }
}
