#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How strongly a generator average holds on to its past: the β in
/// p_ema ← β·p_ema + (1 − β)·p.
public enum EMASchedule: Sendable, Hashable {
    /// A fixed β (e.g. 0.999).
    case fixed(decay: Double)
    /// StyleGAN2's form: the average has a half-life of `kimg` thousand images,
    /// β = 0.5^(batch / (kimg·1000)). With `rampup` r the half-life is at most r times
    /// the images seen so far, so early averages forget their random start quickly.
    case halfLife(kimg: Double, rampup: Double?)

    /// β for an update made after `imagesSeen` images, with `batchSize` images per update.
    public func beta(imagesSeen: Int, batchSize: Int) -> Double {
        switch self {
        case .fixed(let decay):
            return decay
        case .halfLife(let kimg, let rampup):
            var halfLifeImages = kimg * 1000
            if let rampup { halfLifeImages = Swift.min(halfLifeImages, Double(imagesSeen) * rampup) }
            return pow(0.5, Double(batchSize) / Swift.max(halfLifeImages, 1e-8))
        }
    }
}
