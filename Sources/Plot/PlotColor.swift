/// An 8-bit RGB colour for plots.
public struct PlotColor: Sendable, Hashable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// Real data points.
    public static let real = PlotColor(red: 31, green: 119, blue: 180)
    /// Generated points.
    public static let generated = PlotColor(red: 255, green: 127, blue: 14)
    /// Mode centres and other markers.
    public static let marker = PlotColor(red: 214, green: 39, blue: 40)
    public static let white = PlotColor(red: 255, green: 255, blue: 255)
    public static let black = PlotColor(red: 0, green: 0, blue: 0)
    /// The frame around the plot area.
    public static let frame = PlotColor(red: 64, green: 64, blue: 64)
}

/// Colours interpolated linearly between evenly spaced stops, for drawing a
/// scalar field (such as the critic's value) under a scatter plot.
public struct ColorRamp: Sendable, Equatable {
    public let stops: [PlotColor]

    public init(stops: [PlotColor]) {
        precondition(stops.count >= 2, "ColorRamp needs at least two stops")
        self.stops = stops
    }

    /// Pale purple (low) through white to pale green (high): light enough that
    /// the blue and orange points drawn over it stay visible.
    public static let pale = ColorRamp(stops: [
        PlotColor(red: 205, green: 190, blue: 230), .white, PlotColor(red: 190, green: 230, blue: 190),
    ])

    /// The colour at `t` in [0, 1] (clamped; NaN gives the lowest stop).
    public func color(at t: Float) -> PlotColor {
        let clamped = t.isNaN ? 0 : min(max(t, 0), 1)
        let position = clamped * Float(stops.count - 1)
        let index = min(Int(position), stops.count - 2)
        let f = position - Float(index)
        let (a, b) = (stops[index], stops[index + 1])
        func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Float(x) * (1 - f) + Float(y) * f).rounded()) }
        return PlotColor(red: mix(a.red, b.red), green: mix(a.green, b.green), blue: mix(a.blue, b.blue))
    }
}
