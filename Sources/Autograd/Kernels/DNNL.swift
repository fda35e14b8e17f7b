import CDNNL

#if canImport(Glibc)
    import Glibc
#endif

/// The one place Autograd calls oneDNN: its CPU engine, one stream and one cache of
/// primitives per thread (ranks emulated as threads each get their own, so no lock is
/// taken on the hot path), and its OpenMP team kept at OpenBLAS's thread count.
/// Callers ask for a primitive and fall back to their own kernels when there is none.
enum DNNL {
    /// The CPU engine, or nil when oneDNN cannot make one (the callers then never use it).
    nonisolated(unsafe) static let engine: dnnl_engine_t? = {
        var engine: dnnl_engine_t?
        return dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success ? engine : nil
    }()

    /// Whether oneDNN runs AMX (tile) kernels on this CPU.
    static let hasAMX: Bool = {
        let amx = dnnl_cpu_isa_avx512_core_amx.rawValue
        return dnnl_get_effective_cpu_isa().rawValue & amx == amx
    }()

    /// This thread's stream and primitives, made on first use and freed with the thread.
    static var context: DNNLContext? {
        guard let engine else { return nil }
        if let existing = pthread_getspecific(contextKey) {
            return Unmanaged<DNNLContext>.fromOpaque(existing).takeUnretainedValue()
        }
        guard let made = DNNLContext(engine: engine) else { return nil }
        pthread_setspecific(contextKey, Unmanaged.passRetained(made).toOpaque())
        return made
    }

    private static let contextKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<DNNLContext>.fromOpaque(pointer).release() }
        }
        return key
    }()

    /// Makes oneDNN's OpenMP team as large as OpenBLAS's (one thread when ranks fill
    /// the cores). OpenMP keeps this per thread, so it is checked before every primitive
    /// is made (oneDNN plans its work for that many threads) and run.
    @inline(__always)
    static func matchThreadCount() {
        let wanted = Swift.max(1, BLAS.threadCount)
        if omp_get_max_threads() != wanted { omp_set_num_threads(Int32(wanted)) }
    }
}

/// A thread's oneDNN stream and the primitives it has made, keyed by what they compute.
final class DNNLContext {
    let stream: dnnl_stream_t
    /// Convolution primitives by what they compute.
    var convolutions = PrimitiveCache<ConvolutionKey, DNNLConvolution>()
    /// Matrix-product primitives by what they compute.
    var matmuls = PrimitiveCache<MatmulKey, DNNLMatmul>()
    /// Weight gradients as bf16 matrix products, by geometry.
    var loweredWeightGradients = PrimitiveCache<ConvGeometry, DNNLLoweredWeightGradient>()
    /// The scratch memory of every primitive this thread runs (one at a time).
    let primitiveScratch = ScratchBlock()
    /// Temporary arrays of the lowered weight gradients (which run primitives meanwhile).
    let loweringScratch = ScratchBlock()
    /// Parameters' weights already reordered for the primitives.
    let weightCopies = DNNLWeightCopies()

    init?(engine: dnnl_engine_t) {
        var stream: dnnl_stream_t?
        guard dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success, let stream else { return nil }
        self.stream = stream
    }

    deinit { dnnl_stream_destroy(stream) }
}

/// Primitives made on first use, one per key; a nil entry records that none could be
/// made (or none that is fast), so the caller's own kernels run without asking again.
struct PrimitiveCache<Key: Hashable, Primitive> {
    private var entries: [Key: Primitive?] = [:]

    mutating func primitive(for key: Key, make: () -> Primitive?) -> Primitive? {
        if let cached = entries[key] { return cached }
        // Shapes repeat every step; a process that keeps meeting new ones starts over.
        if entries.count >= 512 { entries.removeAll() }
        let made = make()
        entries[key] = .some(made)
        return made
    }
}

/// One oneDNN primitive (a convolution, a product or a reorder) with its memory objects.
final class DNNLPrimitive {
    let handle: dnnl_primitive_t
    /// The implementation oneDNN chose, e.g. "jit:avx512_core" or "ref:any".
    let implementation: String
    /// The scratch memory each execution needs (pointed at a pooled buffer per call), if any.
    let scratchpad: DNNLMemory?

    /// Makes the primitive oneDNN chose in `descriptor`, or nil when it cannot.
    init?(_ descriptor: DNNLPrimitiveDescriptor, engine: dnnl_engine_t) {
        var primitive: dnnl_primitive_t?
        guard dnnl_primitive_create(&primitive, descriptor.handle) == dnnl_success, let primitive else { return nil }
        handle = primitive
        implementation = descriptor.implementation
        if var scratch = descriptor.memoryDescriptor(dnnl_query_scratchpad_md), dnnl_memory_desc_get_size(&scratch) > 0 {
            guard let memory = DNNLMemory(scratch, engine: engine) else { return nil }
            scratchpad = memory
        } else {
            scratchpad = nil
        }
    }

    /// A reorder from one layout (and type) to another, or nil when oneDNN has none.
    init?(reorderFrom source: dnnl_memory_desc_t, to destination: dnnl_memory_desc_t, engine: dnnl_engine_t) {
        var descriptor: dnnl_primitive_desc_t?
        var (from, to) = (source, destination)
        guard dnnl_reorder_primitive_desc_create(&descriptor, &from, engine, &to, engine, nil) == dnnl_success, let descriptor
        else { return nil }
        defer { dnnl_primitive_desc_destroy(descriptor) }
        var primitive: dnnl_primitive_t?
        guard dnnl_primitive_create(&primitive, descriptor) == dnnl_success, let primitive else { return nil }
        handle = primitive
        implementation = "reorder"
        scratchpad = nil
    }

    deinit { dnnl_primitive_destroy(handle) }

    /// Runs the primitive on `arguments` plus its scratch memory (the context's block for
    /// it, when it needs one) on the context's stream, and waits.
    func executeWithScratch(_ arguments: [dnnl_exec_arg_t], context: DNNLContext) -> Bool {
        guard let scratchpad else { return execute(arguments, on: context.stream) }
        guard scratchpad.point(at: context.primitiveScratch.reserve(scratchpad.bytes)) else { return false }
        return execute(arguments + [dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratchpad.handle)], on: context.stream)
    }

    /// Runs the primitive on `arguments` (oneDNN argument ids and memories) and waits.
    func execute(_ arguments: [dnnl_exec_arg_t], on stream: dnnl_stream_t) -> Bool {
        DNNL.matchThreadCount()
        return arguments.withUnsafeBufferPointer { args in
            dnnl_primitive_execute(handle, stream, Int32(args.count), args.baseAddress) == dnnl_success
        } && dnnl_stream_wait(stream) == dnnl_success
    }
}

/// A primitive descriptor: what oneDNN chose for an op (layouts, implementation).
final class DNNLPrimitiveDescriptor {
    let handle: dnnl_primitive_desc_t

    /// What oneDNN chooses for the op `descriptor` (a pointer to an op descriptor), with
    /// scratch memory handed in on each call; nil when it has no implementation.
    init?(descriptor: UnsafeRawPointer, hint: DNNLPrimitiveDescriptor?, engine: dnnl_engine_t, accumulates: Bool = false) {
        // oneDNN splits the work among the threads it sees when it makes the primitive.
        DNNL.matchThreadCount()
        var attributes: dnnl_primitive_attr_t?
        guard dnnl_primitive_attr_create(&attributes) == dnnl_success, let attributes else { return nil }
        defer { dnnl_primitive_attr_destroy(attributes) }
        dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user)
        if accumulates {
            // The output's old values are added to the result (a BLAS beta of 1).
            var postOps: dnnl_post_ops_t?
            guard dnnl_post_ops_create(&postOps) == dnnl_success, let postOps else { return nil }
            defer { dnnl_post_ops_destroy(postOps) }
            guard dnnl_post_ops_append_sum(postOps, 1) == dnnl_success, dnnl_primitive_attr_set_post_ops(attributes, postOps) == dnnl_success
            else { return nil }
        }
        var made: dnnl_primitive_desc_t?
        guard dnnl_primitive_desc_create(&made, descriptor, attributes, engine, hint?.handle) == dnnl_success, let made else { return nil }
        handle = made
    }

    deinit { dnnl_primitive_desc_destroy(handle) }

    var implementation: String {
        var name: UnsafePointer<CChar>?
        guard dnnl_primitive_desc_query(handle, dnnl_query_impl_info_str, 0, &name) == dnnl_success, let name else { return "unknown" }
        return String(cString: name)
    }

    /// The memory layout the primitive chose for one of its arguments (a dnnl_query_*_md;
    /// the bias is the weights query's index 1).
    func memoryDescriptor(_ query: dnnl_query_t, index: Int32 = 0) -> dnnl_memory_desc_t? {
        dnnl_primitive_desc_query_md(handle, query, index)?.pointee
    }
}

/// A oneDNN memory object whose data pointer is set anew for each call.
final class DNNLMemory {
    let handle: dnnl_memory_t
    let descriptor: dnnl_memory_desc_t
    /// Bytes the layout spans (blocked layouts pad channels up to their block).
    let bytes: Int

    init?(_ descriptor: dnnl_memory_desc_t, engine: dnnl_engine_t) {
        var md = descriptor
        var memory: dnnl_memory_t?
        guard dnnl_memory_create(&memory, &md, engine, nil) == dnnl_success, let memory else { return nil }
        handle = memory
        self.descriptor = descriptor
        bytes = dnnl_memory_desc_get_size(&md)
    }

    deinit { dnnl_memory_destroy(handle) }

    func point(at data: UnsafeMutableRawPointer) -> Bool {
        dnnl_memory_set_data_handle(handle, data) == dnnl_success
    }
}

extension dnnl_memory_desc_t {
    /// A dense descriptor of `dims` in the plain layout `tag` (or `dnnl_format_tag_any`).
    static func make(_ dims: [Int], _ type: dnnl_data_type_t, _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t? {
        var md = dnnl_memory_desc_t()
        let extents = dims.map(Int64.init)
        guard dnnl_memory_desc_init_by_tag(&md, Int32(dims.count), extents, type, tag) == dnnl_success else { return nil }
        return md
    }

    /// A descriptor of `dims` with element strides `strides` (a transposed or row-strided matrix).
    static func make(_ dims: [Int], _ type: dnnl_data_type_t, strides: [Int]) -> dnnl_memory_desc_t? {
        var md = dnnl_memory_desc_t()
        let extents = dims.map(Int64.init)
        let steps = strides.map(Int64.init)
        guard dnnl_memory_desc_init_by_strides(&md, Int32(dims.count), extents, type, steps) == dnnl_success else { return nil }
        return md
    }

    func sameLayout(as other: dnnl_memory_desc_t) -> Bool {
        var (a, b) = (self, other)
        return dnnl_memory_desc_equal(&a, &b) != 0
    }
}
