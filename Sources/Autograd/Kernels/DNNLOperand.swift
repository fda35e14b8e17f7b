import CDNNL

/// One argument of a oneDNN primitive as Tandem holds it (dense float32 in a plain
/// layout) and as the primitive wants it (often channel-blocked, maybe bf16), with the
/// reorder between the two when they differ. Reordered copies live in pooled buffers
/// for the length of one call.
final class DNNLOperand {
    /// The oneDNN argument id (DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, ...).
    let argument: Int32
    private let user: DNNLMemory
    /// The primitive's own copy and the reorder to (input) or from (output) it; nil when
    /// the primitive reads or writes Tandem's buffer directly.
    private let inner: (memory: DNNLMemory, reorder: DNNLReorder)?
    let isInput: Bool
    /// The primitive's layout as the context's weight copies name it, once asked.
    private var layoutID: Int?
    /// Tandem's buffer and the primitive's copy of this call, for an output's reorder back.
    private var bound: (data: UnsafeMutablePointer<Float>, copy: UnsafeMutablePointer<Float>)?

    init?(argument: Int32, user: dnnl_memory_desc_t, wanted: dnnl_memory_desc_t, isInput: Bool, engine: dnnl_engine_t) {
        guard let userMemory = DNNLMemory(user, engine: engine) else { return nil }
        self.argument = argument
        self.user = userMemory
        self.isInput = isInput
        if wanted.sameLayout(as: user) {
            inner = nil
        } else {
            guard let memory = DNNLMemory(wanted, engine: engine),
                let reorder = isInput
                    ? DNNLReorder(from: user, to: wanted, engine: engine)
                    : DNNLReorder(from: wanted, to: user, engine: engine)
            else { return nil }
            inner = (memory, reorder)
        }
    }

    /// Points the operand at Tandem's buffer `data`; an input is reordered into a scratch
    /// copy (kept alive in `keep`) right away. An input with a `stamp` (a parameter's
    /// weights, named by their storage's stamp) uses the context's kept copy while the
    /// stamp is unchanged. Returns the argument for the primitive.
    func bind(_ data: UnsafeMutablePointer<Float>, stamp: UInt64?, keep: inout [Tensor], context: DNNLContext) -> dnnl_exec_arg_t? {
        guard let inner else {
            guard user.point(at: data) else { return nil }
            return dnnl_exec_arg_t(arg: argument, memory: user.handle)
        }
        let copy: Tensor
        if isInput, let stamp {
            let layout = layoutID ?? context.weightCopies.layoutID(from: user.descriptor, to: inner.memory.descriptor)
            layoutID = layout
            guard
                let kept = context.weightCopies.copy(
                    of: data, stamp: stamp, layout: layout, bytes: inner.memory.bytes,
                    reorder: { inner.reorder.run(data, into: $0, stream: context.stream) })
            else { return nil }
            copy = kept
        } else {
            copy = Tensor(uninitializedShape: [(inner.memory.bytes + 3) / 4])
            if isInput, !inner.reorder.run(data, into: copy.pointer, stream: context.stream) { return nil }
        }
        keep.append(copy)
        bound = (data, copy.pointer)
        guard inner.memory.point(at: copy.pointer) else { return nil }
        return dnnl_exec_arg_t(arg: argument, memory: inner.memory.handle)
    }

    /// After the primitive ran (its copies still alive): reorders an output from the
    /// primitive's layout into Tandem's buffer.
    func finish(stream: dnnl_stream_t) -> Bool {
        guard !isInput, let inner else { return true }
        guard let bound else { return false }
        return inner.reorder.run(bound.copy, into: bound.data, stream: stream)
    }
}

extension DNNLPrimitive {
    /// Runs the primitive over `operands` bound to `buffers` (in the same order; `stamps`
    /// as `DNNLOperand.bind` takes them, nil for most). False when oneDNN reports a failure.
    func run(_ operands: [DNNLOperand], _ buffers: [UnsafeMutablePointer<Float>], stamps: [UInt64?], context: DNNLContext) -> Bool {
        var keep: [Tensor] = []
        var arguments: [dnnl_exec_arg_t] = []
        for (i, (operand, buffer)) in zip(operands, buffers).enumerated() {
            let stamp = i < stamps.count ? stamps[i] : nil
            guard let argument = operand.bind(buffer, stamp: stamp, keep: &keep, context: context) else { return false }
            arguments.append(argument)
        }
        return withExtendedLifetime(keep) {
            executeWithScratch(arguments, context: context) && operands.allSatisfy { $0.finish(stream: context.stream) }
        }
    }
}
