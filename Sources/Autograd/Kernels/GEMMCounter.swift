import Synchronization

/// Floating-point operations done in sgemm by this process (2·m·n·k per call), so
/// benchmarks can report achieved GFLOP/s against the machine's sgemm peak.
public enum GEMMCounter {
    private static let total = Atomic<Int>(0)

    /// Operations counted since the last reset.
    public static var flops: Int { total.load(ordering: .relaxed) }

    public static func reset() { total.store(0, ordering: .relaxed) }

    @inline(__always)
    static func add(m: Int, n: Int, k: Int) {
        total.wrappingAdd(2 * m * n * k, ordering: .relaxed)
    }
}
