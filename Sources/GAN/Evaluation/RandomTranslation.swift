import Autograd

/// Shifts each image of a batch by a few whole pixels (data augmentation: small
/// translations teach a classifier that a digit's position does not matter). The
/// vacated border takes the image's smallest value, its background in either pixel range.
enum RandomTranslation {
    /// `images` [B, C, H, W] with image b moved right by `shifts[b].dx` and down by `shifts[b].dy`.
    static func apply(_ images: Tensor, shifts: [(dx: Int, dy: Int)]) -> Tensor {
        precondition(images.rank == 4 && shifts.count == images.shape[0], "RandomTranslation: \(shifts.count) shifts for \(images.shape)")
        let (channels, height, width) = (images.shape[1], images.shape[2], images.shape[3])
        let imageSize = channels * height * width
        let result = Tensor.uninitialized(images.shape)
        images.withScalars { source in
            result.withMutableScalars { target in
                for (b, shift) in shifts.enumerated() {
                    let base = b * imageSize
                    let background = source[base..<(base + imageSize)].min() ?? 0
                    for c in 0..<channels {
                        for y in 0..<height {
                            for x in 0..<width {
                                let (sy, sx) = (y - shift.dy, x - shift.dx)
                                let inside = sy >= 0 && sy < height && sx >= 0 && sx < width
                                target[base + (c * height + y) * width + x] =
                                    inside ? source[base + (c * height + sy) * width + sx] : background
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// Shifts in −maxShift...maxShift on each axis for the samples at `positions` of an
    /// epoch, a pure function of (seed, epoch, position).
    static func shifts(maxShift: Int, seed: UInt64, epoch: Int, positions: Range<Int>) -> [(dx: Int, dy: Int)] {
        let side = 2 * maxShift + 1
        let draws = RandomStream(seed: seed, purpose: "classifier.shift", step: epoch).integers(below: UInt64(side * side), at: positions)
        return draws.map { (dx: Int($0) % side - maxShift, dy: Int($0) / side - maxShift) }
    }
}
