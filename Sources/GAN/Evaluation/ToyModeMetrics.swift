/// Mode coverage and sample quality of a generator on a toy mixture, as VEEGAN
/// (Srivastava et al. 2017) and PacGAN (Lin et al. 2018) report them.
public struct ToyModeMetrics: Sendable, Equatable {
    /// Modes with at least the required number of high-quality samples nearest to them.
    public let modesCovered: Int
    /// Modes of the mixture.
    public let modeCount: Int
    /// High-quality samples over all samples (0 when there are no samples).
    public let highQualityShare: Double
    /// KL(p ‖ uniform) in nats, p the histogram of high-quality samples over their
    /// nearest modes (PacGAN's "reverse KL"). 0 for a perfectly even spread, log(modeCount)
    /// when every high-quality sample sits on one mode; also log(modeCount) when there is
    /// no high-quality sample at all, the worst value, so the number stays finite.
    public let klFromUniform: Double
    /// Samples within the quality radius of their nearest mode.
    public let highQualitySamples: Int64
    /// All samples judged.
    public let totalSamples: Int64
}
