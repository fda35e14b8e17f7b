/// One thread's scratch memory for one user at a time (oneDNN primitives' scratchpads, or
/// the temporary arrays of a lowered kernel): a single block that grows to the largest
/// request and serves every later one, so shapes of different sizes share it instead of
/// each keeping pooled buffers of its own size.
final class ScratchBlock {
    private var block: UnsafeMutableRawPointer?
    private var capacity = 0

    /// Memory for `bytes`, valid until the next call.
    func reserve(_ bytes: Int) -> UnsafeMutableRawPointer {
        if let block, bytes <= capacity { return block }
        block?.deallocate()
        capacity = Swift.max(bytes, 64)
        let made = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        block = made
        return made
    }

    deinit { block?.deallocate() }
}
