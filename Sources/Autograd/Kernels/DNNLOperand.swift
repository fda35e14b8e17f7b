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
    private let inner: (memory: DNNLMemory, reorder: DNNLPrimitive)?
    let isInput: Bool

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
                    ? DNNLPrimitive(reorderFrom: user, to: wanted, engine: engine)
                    : DNNLPrimitive(reorderFrom: wanted, to: user, engine: engine)
            else { return nil }
            inner = (memory, reorder)
        }
    }

    /// Points the operand at Tandem's buffer `data`; an input is reordered into a scratch
    /// copy (kept alive in `keep`) right away. Returns the argument for the primitive.
    func bind(_ data: UnsafeMutablePointer<Float>, keep: inout [Tensor], stream: dnnl_stream_t) -> dnnl_exec_arg_t? {
        guard user.point(at: data) else { return nil }
        guard let inner else { return dnnl_exec_arg_t(arg: argument, memory: user.handle) }
        let copy = Tensor(uninitializedShape: [(inner.memory.bytes + 3) / 4])
        keep.append(copy)
        guard inner.memory.point(at: copy.pointer) else { return nil }
        if isInput {
            let moved = inner.reorder.execute(
                [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: user.handle), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: inner.memory.handle)],
                on: stream)
            guard moved else { return nil }
        }
        return dnnl_exec_arg_t(arg: argument, memory: inner.memory.handle)
    }

    /// After the primitive ran: reorders an output from the primitive's layout into Tandem's buffer.
    func finish(stream: dnnl_stream_t) -> Bool {
        guard !isInput, let inner else { return true }
        return inner.reorder.execute(
            [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: inner.memory.handle), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: user.handle)],
            on: stream)
    }
}

extension DNNLPrimitive {
    /// Runs the primitive over `operands` bound to `buffers` (in the same order), with
    /// scratch memory from the pool. False when oneDNN reports a failure.
    func run(_ operands: [DNNLOperand], _ buffers: [UnsafeMutablePointer<Float>], context: DNNLContext) -> Bool {
        var keep: [Tensor] = []
        var arguments: [dnnl_exec_arg_t] = []
        for (operand, buffer) in zip(operands, buffers) {
            guard let argument = operand.bind(buffer, keep: &keep, stream: context.stream) else { return false }
            arguments.append(argument)
        }
        if let scratchpad {
            let scratch = Tensor(uninitializedShape: [(scratchpad.bytes + 3) / 4])
            keep.append(scratch)
            guard scratchpad.point(at: scratch.pointer) else { return false }
            arguments.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratchpad.handle))
        }
        guard execute(arguments, on: context.stream) else { return false }
        return operands.allSatisfy { $0.finish(stream: context.stream) }
    }
}
