/// Makes a square training image of any decoded image: the centred square of side
/// min(width, height) is cut out, then resized to side × side by area averaging.
/// Output pixel (i, j) covers source rows [i·s/side, (i+1)·s/side) and columns
/// likewise (s the square's side); every source pixel counts with the area of its
/// overlap, so shrinking averages whole blocks and enlarging repeats pixels, blending
/// at the block edges. Weights are whole numbers (lengths in units of 1/side), so the
/// result is exact before rounding to the nearest byte.
public enum SquareResampling {
    /// Planar [channels, side, side] bytes of `image` (channels as decoded).
    public static func centerCropResized(_ image: DecodedImage, side: Int) -> [UInt8] {
        precondition(side >= 1, "centerCropResized: side \(side) must be positive")
        let square = min(image.width, image.height)
        let (left, top) = ((image.width - square) / 2, (image.height - square) / 2)
        let weights = overlapWeights(source: square, target: side)
        let channels = image.channels
        var output = [UInt8](repeating: 0, count: channels * side * side)
        var rows = [Double](repeating: 0, count: square * side)  // horizontally resized rows of one channel
        let normalization = Double(square) * Double(square)
        for channel in 0..<channels {
            for y in 0..<square {
                let sourceRow = ((top + y) * image.width + left) * channels + channel
                for (x, taps) in weights.enumerated() {
                    var sum = 0.0
                    for (index, weight) in taps { sum += Double(image.pixels[sourceRow + index * channels]) * Double(weight) }
                    rows[y * side + x] = sum
                }
            }
            for (y, taps) in weights.enumerated() {
                for x in 0..<side {
                    var sum = 0.0
                    for (index, weight) in taps { sum += rows[index * side + x] * Double(weight) }
                    output[(channel * side + y) * side + x] = UInt8(min(255, (sum / normalization + 0.5).rounded(.down)))
                }
            }
        }
        return output
    }

    /// For each output position, the source positions it overlaps and the overlap
    /// lengths in units of 1/target (they sum to `source`).
    public static func overlapWeights(source: Int, target: Int) -> [[(index: Int, weight: Int)]] {
        (0..<target).map { i in
            let (start, end) = (i * source, (i + 1) * source)  // in units of 1/target
            return (start / target...((end - 1) / target)).compactMap { j in
                let overlap = min((j + 1) * target, end) - max(j * target, start)
                return overlap > 0 ? (j, overlap) : nil
            }
        }
    }
}

/// Conversions between grayscale and RGB of planar [C, H, W] bytes.
public enum ChannelConversion {
    /// RGB to luma with ITU-R BT.601 weights (0.299, 0.587, 0.114), rounded; as PIL's convert("L").
    public static func gray(fromRGB planes: [UInt8]) -> [UInt8] {
        let size = planes.count / 3
        return (0..<size).map { p in
            let sum = 299 * Int(planes[p]) + 587 * Int(planes[size + p]) + 114 * Int(planes[2 * size + p])
            return UInt8((sum + 500) / 1000)
        }
    }

    /// Gray to RGB: the plane three times.
    public static func rgb(fromGray plane: [UInt8]) -> [UInt8] {
        plane + plane + plane
    }

    /// `planes` of `from` channels as `to` channels (1 or 3).
    public static func convert(_ planes: [UInt8], from: Int, to: Int) -> [UInt8] {
        if from == to { return planes }
        return to == 1 ? gray(fromRGB: planes) : rgb(fromGray: planes)
    }
}
