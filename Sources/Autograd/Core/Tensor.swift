/// A dense Float32 array in row-major order that can record the ops applied to it,
/// so gradients (and gradients of gradients) can be taken with `gradients(of:wrt:)`.
///
/// Values are immutable once an op has produced them; the one exception is a
/// parameter (a leaf that requires gradients), which an optimizer updates in place.
public final class Tensor {
    /// Extent of each axis; `[]` is a scalar.
    public let shape: [Int]
    /// Number of elements (the product of `shape`).
    public let count: Int
    /// The memory holding the values; a parameter moved into a flat buffer changes it once.
    internal(set) var storage: Storage
    /// Where this tensor's first element sits in `storage` (views of a row range start later).
    internal(set) var offset: Int
    /// True when gradients flow to this tensor: a parameter, or the result of an op on one.
    public internal(set) var requiresGrad: Bool
    /// The op that produced this tensor, when recorded; nil for leaves.
    var gradFn: Node?
    /// Accumulated by `backward()` for leaves that require gradients.
    public var grad: Tensor?

    /// A tensor with storage of `shape`'s size whose contents the caller must fill.
    init(uninitializedShape shape: [Int]) {
        self.shape = shape
        count = Tensor.elementCount(shape)
        storage = Storage(count: count)
        offset = 0
        requiresGrad = false
    }

    /// A view of `storage` starting at `offset`.
    init(shape: [Int], storage: Storage, offset: Int) {
        self.shape = shape
        count = Tensor.elementCount(shape)
        self.storage = storage
        self.offset = offset
        requiresGrad = false
    }

    @inline(__always)
    var pointer: UnsafeMutablePointer<Float> { storage.base + offset }

    static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape {
            precondition(d >= 0, "tensor shape \(shape) has a negative extent")
            n *= d
        }
        return n
    }

    /// Number of axes.
    public var rank: Int { shape.count }
}

// MARK: - Creation

extension Tensor {
    /// A tensor of `shape` holding `scalars` in row-major order.
    public convenience init(shape: [Int], scalars: [Float]) {
        self.init(uninitializedShape: shape)
        precondition(
            scalars.count == count, "Tensor(shape:scalars:): shape \(shape) holds \(count) elements, got \(scalars.count)")
        scalars.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }

    /// A vector holding `scalars`.
    public convenience init(_ scalars: [Float]) {
        self.init(shape: [scalars.count], scalars: scalars)
    }

    /// A scalar (shape `[]`).
    public convenience init(_ scalar: Float) {
        self.init(shape: [], scalars: [scalar])
    }

    /// A tensor of `shape` with every element `value`.
    public convenience init(repeating value: Float, shape: [Int]) {
        self.init(uninitializedShape: shape)
        pointer.update(repeating: value, count: count)
    }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// A leaf tensor holding a copy of this one's values that gradients flow to
    /// (a parameter, or an input whose gradient a penalty needs).
    public func requiringGrad() -> Tensor {
        let leaf = Tensor(uninitializedShape: shape)
        leaf.pointer.update(from: pointer, count: count)
        leaf.requiresGrad = true
        return leaf
    }

    /// The same values without the graph: gradients stop here. Shares storage.
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage, offset: offset)
    }

    /// A copy with its own storage and no graph.
    public func copy() -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        result.pointer.update(from: pointer, count: count)
        return result
    }
}

// MARK: - Reading and writing values

extension Tensor {
    /// The elements in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// The single element of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item: tensor of shape \(shape) has \(count) elements, expected 1")
        return pointer[0]
    }

    /// Reads the elements without copying them.
    public func withScalars<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// Writes the elements in place. Only for leaves outside any recorded graph:
    /// optimizer steps, parameter initialization and loading.
    public func withMutableScalars<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        precondition(gradFn == nil, "withMutableScalars: only leaf tensors may be written in place")
        defer { storage.touch() }
        return try body(UnsafeMutableBufferPointer(start: pointer, count: count))
    }

    /// Copies `other`'s values into this leaf (same shape).
    public func assign(_ other: Tensor) {
        precondition(other.shape == shape, "assign: shapes \(other.shape) and \(shape) differ")
        precondition(gradFn == nil, "assign: only leaf tensors may be written in place")
        if other.pointer != pointer {
            pointer.update(from: other.pointer, count: count)
            storage.touch()
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", ..." : "")])"
    }
}
