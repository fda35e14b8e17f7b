import Foundation

/// One axis of a line plot: evenly spaced "nice" tick values (1, 2 or 5 × 10^k
/// apart) whose first and last ticks are the ends of the axis, so the ticks
/// always cover the data the axis was made for.
public struct PlotAxis: Sendable, Equatable {
    /// Tick values, increasing; the first and last are the axis's ends.
    public let ticks: [Double]
    /// The distance between neighbouring ticks.
    public let step: Double
    /// The power of ten in `step` (step = 1, 2 or 5 × 10^exponent).
    public let exponent: Int

    public var lower: Double { ticks[0] }
    public var upper: Double { ticks[ticks.count - 1] }

    /// The axis covering `lower ... upper` with about `targetTickCount` ticks.
    /// Non-finite ends give 0 ... 1; an empty range is widened around its value.
    public static func covering(_ lower: Double, _ upper: Double, targetTickCount: Int = 6) -> PlotAxis {
        guard lower.isFinite, upper.isFinite else { return covering(0, 1, targetTickCount: targetTickCount) }
        var (low, high) = (min(lower, upper), max(lower, upper))
        if high - low <= 1e-12 * max(abs(low), abs(high)) {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        let rawStep = (high - low) / Double(max(targetTickCount - 1, 1))
        guard rawStep.isFinite, rawStep > 0 else { return PlotAxis(ticks: [low, high], step: high - low, exponent: 0) }
        var exponent = Int(floor(log10(rawStep)))
        let fraction = rawStep / pow(10, Double(exponent))
        var mantissa: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        if mantissa == 10 { (mantissa, exponent) = (1, exponent + 1) }
        let step = mantissa * pow(10, Double(exponent))
        // Tick i is i × mantissa × 10^exponent, computed so decimal ticks come out as close to exact as doubles allow.
        func tick(_ i: Double) -> Double {
            exponent >= 0 ? i * mantissa * pow(10, Double(exponent)) : i * mantissa / pow(10, Double(-exponent))
        }
        var first = floor(low / step)
        if tick(first + 1) <= low { first += 1 }
        var last = ceil(high / step)
        if tick(last - 1) >= high { last -= 1 }
        let ticks = stride(from: first, through: last, by: 1).map(tick)
        return PlotAxis(ticks: ticks, step: step, exponent: exponent)
    }

    /// The text under or beside a tick: fixed-point with as many decimals as the
    /// step needs ("0.25"), or scientific notation for very large or small values ("2e6", "1.5e-5").
    public func label(_ value: Double) -> String {
        if abs(value) < step * 1e-6 { return "0" }
        let largest = max(abs(lower), abs(upper))
        if largest >= 1e6 || exponent < -4 {
            let digits = max(0, Int(floor(log10(abs(value)))) - exponent)
            let text = String(format: "%.\(digits)e", value)
            guard let e = text.firstIndex(of: "e") else { return text }
            let power = Int(text[text.index(after: e)...]) ?? 0
            return String(text[..<e]) + "e\(power)"
        }
        return String(format: "%.\(max(0, -exponent))f", value)
    }
}
