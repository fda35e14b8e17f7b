import Autograd

/// The transforms of DiffAugment's policy (Zhao et al. 2020), applied in the order given.
public enum DiffAugmentTransform: String, CaseIterable, Sendable {
    /// Brightness, then saturation, then contrast.
    case color
    /// A whole-pixel shift of up to 1/8 of each side, zero fill.
    case translation
    /// One zeroed square of half the side.
    case cutout
}

/// Differentiable augmentation (Zhao et al. 2020, mit-han-lab/data-efficient-gans
/// `DiffAugment_pytorch.py`): random per-sample transforms applied to every critic
/// input, real and generated, so the generator's gradient passes through them.
///
/// The reference works on pixels in [−1, 1], Tandem on [0, 1] (x₀₁ = (x + 1)/2):
/// brightness adds U(−0.5, 0.5) there, which is U(−0.25, 0.25) here; saturation
/// (×U(0, 2)) and contrast (×U(0.5, 1.5)) scale around a mean, which the change of
/// range leaves as it is. Shifted-in borders and the cut-out square are 0 here
/// (black); the reference's 0 is mid-gray in its range. Real and generated images
/// get the same treatment, so the choice changes what the critic sees, not what the
/// generator is drawn towards.
public struct DiffAugment: Sendable {
    public let policy: [DiffAugmentTransform]
    /// Largest shift as a fraction of the side (0.125 in the reference).
    public var translationRatio: Float = 0.125
    /// Side of the cut-out square as a fraction of the image side (0.5 in the reference).
    public var cutoutRatio: Float = 0.5
    /// Half-width of the uniform brightness shift, in Tandem's [0, 1] pixels.
    public var brightnessRange: Float = 0.25

    public init(policy: [DiffAugmentTransform]) {
        self.policy = policy
    }

    /// The augmented batch [n, C, H, W], with the random numbers of `draws`.
    public func callAsFunction(_ images: Tensor, draws: AugmentDraws) -> Tensor {
        let (n, height, width) = (images.shape[0], images.shape[2], images.shape[3])
        var x = images
        for transform in policy {
            switch transform {
            case .color:
                let u = draws.uniform("color", rows: n, columns: 3)
                x = ColorTransforms.brightness(x, shifts: u.map { ($0[0] - 0.5) * 2 * brightnessRange })
                x = ColorTransforms.saturation(x, factors: u.map { $0[1] * 2 })
                x = ColorTransforms.contrast(x, factors: u.map { $0[2] + 0.5 })
            case .translation:
                let (sx, sy) = (Self.extent(width, translationRatio), Self.extent(height, translationRatio))
                let maps = draws.uniform("translation", rows: n, columns: 2).map { u in
                    PixelMap.shifted(height: height, width: width, dx: Self.integer(u[0], in: -sx...sx), dy: Self.integer(u[1], in: -sy...sy))
                }
                x = remapPixels(x, maps)
            case .cutout:
                x = remapPixels(x, cutouts(draws.uniform("cutout", rows: n, columns: 2), height: height, width: width))
            }
        }
        return x
    }

    /// The reference's square: side s = round(ratio·side), centred on an offset drawn
    /// from 0 ..< side + (1 − s mod 2), clipped to the image.
    private func cutouts(_ u: [[Float]], height: Int, width: Int) -> [PixelMap] {
        let (sideY, sideX) = (Self.extent(height, cutoutRatio), Self.extent(width, cutoutRatio))
        return u.map { u in
            let x0 = Self.integer(u[0], in: 0...(width - sideX % 2)) - sideX / 2
            let y0 = Self.integer(u[1], in: 0...(height - sideY % 2)) - sideY / 2
            return PixelMap.cutout(height: height, width: width, rows: y0..<(y0 + sideY), columns: x0..<(x0 + sideX))
        }
    }

    /// int(side · ratio + 0.5), as the reference rounds.
    static func extent(_ side: Int, _ ratio: Float) -> Int {
        Int(Float(side) * ratio + 0.5)
    }

    /// A whole number uniform over `range`, from a uniform u in [0, 1).
    static func integer(_ u: Float, in range: ClosedRange<Int>) -> Int {
        range.lowerBound + min(Int(u * Float(range.count)), range.count - 1)
    }
}
