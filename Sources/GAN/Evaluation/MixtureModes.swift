/// The modes of a Gaussian mixture with one shared, isotropic standard deviation, as
/// the toy datasets define them (Data's `ToyMixture.modes` and `.modeStd`). The mode
/// metrics judge generated samples against these centres.
public struct MixtureModes: Sendable, Equatable {
    /// Mode centres, each a point of `dimension` coordinates.
    public let centres: [[Double]]
    /// Standard deviation of every mode, per coordinate.
    public let std: Double

    /// Coordinates per point.
    public var dimension: Int { centres[0].count }
    /// Number of modes.
    public var count: Int { centres.count }

    /// Throws unless there is at least one centre, all centres have the same (nonzero)
    /// number of coordinates, and `std` is positive and finite.
    public init(centres: [[Float]], std: Float) throws(EvaluationError) {
        guard let first = centres.first, !first.isEmpty else {
            throw .invalidParameter(name: "mixture modes", value: "empty", expected: "at least one centre with coordinates")
        }
        if let odd = centres.first(where: { $0.count != first.count }) {
            throw .sizeMismatch(what: "coordinates of mixture mode centres", first: first.count, second: odd.count)
        }
        guard std > 0, std.isFinite else {
            throw .invalidParameter(name: "mode standard deviation", value: "\(std)", expected: "a positive finite number")
        }
        self.centres = centres.map { $0.map(Double.init) }
        self.std = Double(std)
    }

    /// The centre nearest to `point` (Euclidean; the lowest index wins ties) and its distance.
    func nearest(to point: ArraySlice<Float>) -> (mode: Int, distance: Double) {
        var best = (mode: 0, squared: Double.infinity)
        for (index, centre) in centres.enumerated() {
            var squared = 0.0
            for (c, x) in zip(centre, point) {
                let d = Double(x) - c
                squared += d * d
            }
            if squared < best.squared { best = (index, squared) }
        }
        return (best.mode, best.squared.squareRoot())
    }
}
