import Synchronization

/// Reuses large float buffers by exact element count, so a training loop whose
/// shapes repeat every step stops allocating (and page-faulting) after its first
/// step. Small buffers go straight to malloc, which caches them well already.
final class BufferPool: Sendable {
    static let shared = BufferPool()

    /// Buffers below this many elements are not pooled.
    static let minimumPooledCount = 4096
    /// Free buffers the pool keeps at most, in bytes; beyond it buffers are freed.
    static let maximumPooledBytes = 1 << 30

    /// A free buffer; only the pool touches it, under its lock.
    private struct FreeBuffer: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Float>
    }

    private struct FreeLists: ~Copyable {
        var byCount: [Int: [FreeBuffer]] = [:]
        var bytes = 0
    }

    private let state = Mutex(FreeLists())

    func acquire(count: Int) -> UnsafeMutablePointer<Float> {
        if count >= Self.minimumPooledCount,
            let reused = state.withLock({ lists -> FreeBuffer? in
                guard let buffer = lists.byCount[count]?.popLast() else { return nil }
                lists.bytes -= count * 4
                return buffer
            })
        {
            return reused.pointer
        }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(count, 1) * 4, alignment: 64)
        return raw.bindMemory(to: Float.self, capacity: Swift.max(count, 1))
    }

    func release(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        if count >= Self.minimumPooledCount {
            let free = FreeBuffer(pointer: buffer)
            let kept = state.withLock { lists -> Bool in
                guard lists.bytes + count * 4 <= Self.maximumPooledBytes else { return false }
                lists.byCount[count, default: []].append(free)
                lists.bytes += count * 4
                return true
            }
            if kept { return }
        }
        UnsafeMutableRawPointer(buffer).deallocate()
    }
}

/// The memory behind one or more tensors (views share it).
final class Storage {
    let base: UnsafeMutablePointer<Float>
    let count: Int
    /// Names the values this storage holds now: unique to it, and renewed by `touch()`
    /// after every write in place, so a copy derived from the values (a oneDNN
    /// reorder of a weight) stays valid while the stamp is unchanged.
    private(set) var stamp: UInt64

    init(count: Int) {
        self.count = count
        base = BufferPool.shared.acquire(count: count)
        stamp = Storage.nextStamp()
        TensorMemory.allocated(count * 4)
    }

    /// Records that values were written in place (an optimizer step, loading, a move).
    func touch() { stamp = Storage.nextStamp() }

    private static let stamps = Atomic<UInt64>(0)
    private static func nextStamp() -> UInt64 { stamps.add(1, ordering: .relaxed).newValue }

    deinit {
        BufferPool.shared.release(base, count: count)
        TensorMemory.allocated(-count * 4)
    }
}

/// Bytes of tensor storage alive in this process, and the most alive at once since
/// the last `resetPeak` (for measuring what a training step needs).
public enum TensorMemory {
    private static let live = Atomic<Int>(0)
    private static let highWater = Atomic<Int>(0)

    static func allocated(_ bytes: Int) {
        let now = live.add(bytes, ordering: .relaxed).newValue
        if bytes > 0 { highWater.max(now, ordering: .relaxed) }
    }

    /// Bytes alive now.
    public static var liveBytes: Int { live.load(ordering: .relaxed) }
    /// The most bytes alive at once since the last reset.
    public static var peakBytes: Int { highWater.load(ordering: .relaxed) }

    /// Starts a new peak from what is alive now.
    public static func resetPeak() {
        highWater.store(live.load(ordering: .relaxed), ordering: .relaxed)
    }
}
