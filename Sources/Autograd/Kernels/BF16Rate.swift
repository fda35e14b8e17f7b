/// Whether a CPU multiplies bf16 faster than float32, which decides whether bf16
/// precision runs oneDNN's bf16 kernels (BENCHMARKS.md, "bf16 on Zen 4"):
/// - AMX tiles: many times float32's rate.
/// - AVX512_BF16 on AMD (Zen 4 and later): VDPBF16PS does 32 multiply-adds per
///   instruction at the issue rate of a 16-lane FMA, twice float32's rate (measured on
///   Zen 4: 233 against 113 GFLOP/s on one core, bench/bf16_peak.c).
/// - AVX512_BF16 on Intel without AMX (Cooper Lake): VDPBF16PS issues on one port, FMA on
///   two, so the rates are equal, and oneDNN 2.6's bf16 kernels ran at 0.75 of its float32
///   ones there.
enum BF16Rate {
    /// Whether bf16 products run faster than float32 ones on a CPU of `vendor` ("AuthenticAMD",
    /// "GenuineIntel") with `cpuFlags`, where oneDNN finds AMX or not.
    static func isFaster(vendor: String, cpuFlags: Set<String>, hasAMX: Bool) -> Bool {
        hasAMX || (vendor == "AuthenticAMD" && cpuFlags.contains("avx512_bf16"))
    }
}
