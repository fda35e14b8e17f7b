import Foundation
import Synchronization

/// The number format matrix products and convolutions read their inputs in. Whatever
/// the choice, tensors hold float32 and every other op (elementwise work, reductions,
/// losses, penalty norms, optimizer state, master weights) computes in float32.
public enum Precision: String, CaseIterable, Sendable {
    /// IEEE single precision throughout.
    case float32
    /// The inputs of matrix products and convolutions rounded to bfloat16 (to nearest,
    /// ties to even), their products summed in float32; on CPUs with AVX512_BF16.
    case bf16

    /// The /proc/cpuinfo flag this precision needs, if any.
    public var requiredCPUFlag: String? {
        switch self {
        case .float32: nil
        case .bf16: "avx512_bf16"
        }
    }

    /// Why a CPU with `cpuFlags` cannot run this precision, or nil when it can.
    public func unsupportedReason(cpuFlags: Set<String>) -> String? {
        guard let flag = requiredCPUFlag, !cpuFlags.contains(flag) else { return nil }
        return "\(rawValue) needs a CPU with the \(flag) instructions, and this one lacks them (no \(flag) among its /proc/cpuinfo flags)"
    }

    private static let setting = Atomic<UInt8>(0)

    /// The precision ops use now. Process-wide: ranks emulated as threads share it.
    public static var current: Precision {
        setting.load(ordering: .relaxed) == 0 ? .float32 : .bf16
    }

    /// Makes every following product and convolution use `precision` (no check: the
    /// command layer checks the CPU first with `unsupportedReason`).
    public static func use(_ precision: Precision) {
        setting.store(precision == .float32 ? 0 : 1, ordering: .relaxed)
    }

    /// The CPU flags precision checks see: this machine's, less any listed (comma-separated)
    /// in TANDEM_HIDE_CPU_FLAGS, which lets tests play a CPU without a feature.
    public static func availableCPUFlags(environment: [String: String] = ProcessInfo.processInfo.environment) -> Set<String> {
        let hidden = Set((environment["TANDEM_HIDE_CPU_FLAGS"] ?? "").split(separator: ",").map(String.init))
        return BLASKernel.cpuFlags().subtracting(hidden)
    }
}
