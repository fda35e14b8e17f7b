import CDNNL

/// Weights in the layouts oneDNN's kernels want, kept between calls while the weights
/// are unchanged. Between two optimizer steps a parameter is read by many convolutions
/// (forward passes over real, fake and penalty batches, input gradients, the penalty's
/// double backward, the other network's updates), each of which would otherwise reorder
/// it again. A copy is found by the weights' address and layout and is valid while the
/// weights' storage keeps the stamp it had when the copy was made (`Storage.touch`).
final class DNNLWeightCopies {
    private struct Key: Hashable {
        let address: UInt
        let layout: Int
    }

    private struct Copy {
        let stamp: UInt64
        let values: Tensor
    }

    /// Copies kept at most; a process that meets more starts over.
    static let capacity = 64

    private var copies: [Key: Copy] = [:]
    private var reorderings: [(from: dnnl_memory_desc_t, to: dnnl_memory_desc_t)] = []
    private(set) var reorders = 0
    private(set) var hits = 0

    /// A small number naming the reordering from layout `from` (how Tandem's buffer is
    /// read: the same weights are read as oihw by a convolution and as iohw by a
    /// transposed one) to layout `to`, among those this cache has seen.
    func layoutID(from: dnnl_memory_desc_t, to: dnnl_memory_desc_t) -> Int {
        if let known = reorderings.firstIndex(where: { $0.from.sameLayout(as: from) && $0.to.sameLayout(as: to) }) { return known }
        reorderings.append((from, to))
        return reorderings.count - 1
    }

    /// The copy of the weights at `address` (whose storage has `stamp`) reordered as
    /// `layout` names, of `bytes` bytes; `reorder` fills a buffer when there is no valid
    /// copy. Nil when the reorder fails.
    func copy(of address: UnsafeMutablePointer<Float>, stamp: UInt64, layout: Int, bytes: Int, reorder: (UnsafeMutablePointer<Float>) -> Bool)
        -> Tensor?
    {
        let key = Key(address: UInt(bitPattern: address), layout: layout)
        if let kept = copies[key], kept.stamp == stamp {
            hits += 1
            return kept.values
        }
        copies[key] = nil
        if copies.count >= Self.capacity { copies.removeAll() }
        let values = Tensor(uninitializedShape: [(bytes + 3) / 4])
        guard reorder(values.pointer) else { return nil }
        reorders += 1
        copies[key] = Copy(stamp: stamp, values: values)
        return values
    }
}
