/// Samples a picture cannot show. Pictures are a by-product of training: callers
/// catch this, say so in one line, and go on (or, for `tandem sample`, stop with it).
public enum PictureError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The samples' shape is not one a picture can draw.
    case undrawable(shape: [Int], expected: String)

    public var description: String {
        switch self {
        case let .undrawable(shape, expected):
            return "cannot draw samples of shape \(shape) as a picture: expected \(expected)"
        }
    }
}

/// How a picture shows samples of a given shape.
public enum PictureKind: Sendable, Equatable {
    /// 2-D points: a scatter plot.
    case scatter
    /// [C, H, W] images with 1 (gray) or 3 (RGB) channels: a grid of tiles.
    case imageGrid

    /// What samples of `sampleShape` (one sample, without the batch axis) can be drawn as.
    public static let drawable = "2-D points (sample shape [2]) or images [C, H, W] with 1 or 3 channels"

    /// The picture for samples of `sampleShape`; throws for shapes no picture draws.
    public static func of(sampleShape: [Int]) throws(PictureError) -> PictureKind {
        if sampleShape == [2] { return .scatter }
        if sampleShape.count == 3, [1, 3].contains(sampleShape[0]), sampleShape[1] >= 1, sampleShape[2] >= 1 { return .imageGrid }
        throw .undrawable(shape: sampleShape, expected: drawable)
    }
}
