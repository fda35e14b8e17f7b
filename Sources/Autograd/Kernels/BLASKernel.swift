import CBLAS

#if canImport(Glibc)
    import Glibc
#endif

/// Which OpenBLAS kernel family runs this process's sgemm, and which one it should.
///
/// OpenBLAS picks its kernels when the library loads, from OPENBLAS_CORETYPE or
/// else the CPU model. Releases older than the CPU fall back to older kernels on
/// CPUs that have AVX-512: Debian 12's 0.3.21 runs its AVX2 "Haswell" kernels on
/// AMD Zen 5 (about half the speed the CPU offers) and its SSE3 "Prescott" ones on
/// Intel Xeons newer than it (model 207: a quarter of the speed), and an environment
/// may pin such kernels too. TANDEM_BLAS_CORETYPE pins a kernel explicitly.
public enum BLASKernel {
    /// The kernel family OpenBLAS chose, e.g. "Haswell" or "SkylakeX".
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Kernel families that use AVX-512 (names as `openblas_get_corename` spells them).
    static let avx512Families: Set<String> = ["SkylakeX", "Cooperlake", "SapphireRapids"]

    /// The OPENBLAS_CORETYPE this process should run with, or nil when the kernels it has are right:
    /// TANDEM_BLAS_CORETYPE when set, else SkylakeX on AVX-512 CPUs running any kernels without AVX-512.
    public static func preferredCoreType(cpuFlags: Set<String> = cpuFlags(), environment: [String: String], current: String = coreName)
        -> String?
    {
        if let pinned = environment["TANDEM_BLAS_CORETYPE"] {
            return environment["OPENBLAS_CORETYPE"] == pinned ? nil : pinned
        }
        let avx512 = ["avx512f", "avx512dq", "avx512bw", "avx512vl"].allSatisfy(cpuFlags.contains)
        return avx512 && !avx512Families.contains(current) ? "SkylakeX" : nil
    }

    /// The CPU feature flags of the first processor in /proc/cpuinfo (empty elsewhere).
    public static func cpuFlags() -> Set<String> {
        Set(cpuinfoField("flags")?.split(separator: " ").map { $0.trimmingCharacters() } ?? [])
    }

    /// The CPU's vendor as /proc/cpuinfo names it ("GenuineIntel", "AuthenticAMD"), or "".
    public static func cpuVendor() -> String {
        cpuinfoField("vendor_id")?.trimmingCharacters() ?? ""
    }

    /// The value of the first /proc/cpuinfo line whose name is `name`, if any.
    private static func cpuinfoField(_ name: String) -> Substring? {
        guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        defer { free(line) }
        var capacity = 0
        while getline(&line, &capacity, file) > 0 {
            let text = String(cString: line!)
            let parts = text.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters() == name { return parts[1] }
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(self).filter { !$0.isWhitespace }
    }
}
