import Autograd

/// Per-sample color changes of a batch of images [n, C, H, W], written with
/// differentiable Tensor ops (they differentiate to any order). Each takes one
/// value per sample; a sample whose value is the identity is unchanged.
public enum ColorTransforms {
    /// x + shift: every pixel and channel of sample i moved by `shifts[i]`.
    public static func brightness(_ images: Tensor, shifts: [Float]) -> Tensor {
        if shifts.allSatisfy({ $0 == 0 }) { return images }
        return images + perSample(shifts)
    }

    /// (x − m)·s + m around m, each pixel's mean over the channels: colors move towards
    /// (s < 1) or away from (s > 1) gray. Leaves one-channel images as they are.
    public static func saturation(_ images: Tensor, factors: [Float]) -> Tensor {
        if factors.allSatisfy({ $0 == 1 }) || images.shape[1] == 1 { return images }
        let mean = images.mean(axes: [1], keepDims: true)
        return (images - mean) * perSample(factors) + mean
    }

    /// (x − m)·c + m around m, the sample's mean over channels and pixels.
    public static func contrast(_ images: Tensor, factors: [Float]) -> Tensor {
        if factors.allSatisfy({ $0 == 1 }) { return images }
        let mean = images.mean(axes: [1, 2, 3], keepDims: true)
        return (images - mean) * perSample(factors) + mean
    }

    /// (x − center)·c + center around a fixed value.
    public static func contrast(_ images: Tensor, factors: [Float], around center: Float) -> Tensor {
        if factors.allSatisfy({ $0 == 1 }) { return images }
        return (images - center) * perSample(factors) + center
    }

    /// One value per sample, shaped [n, 1, 1, 1] to broadcast over its image.
    static func perSample(_ values: [Float]) -> Tensor {
        Tensor(shape: [values.count, 1, 1, 1], scalars: values)
    }
}
