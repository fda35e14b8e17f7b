import CDNNL

/// A oneDNN reorder of one array from one layout (and element type) to another, run on
/// the caller's buffers.
final class DNNLReorder {
    private let primitive: DNNLPrimitive
    private let source, destination: DNNLMemory

    init?(from sourceLayout: dnnl_memory_desc_t, to destinationLayout: dnnl_memory_desc_t, engine: dnnl_engine_t) {
        guard let primitive = DNNLPrimitive(reorderFrom: sourceLayout, to: destinationLayout, engine: engine),
            let source = DNNLMemory(sourceLayout, engine: engine), let destination = DNNLMemory(destinationLayout, engine: engine)
        else { return nil }
        (self.primitive, self.source, self.destination) = (primitive, source, destination)
    }

    /// Bytes the destination layout spans.
    var destinationBytes: Int { destination.bytes }

    /// Writes `from` in the destination layout at `to`; false when oneDNN failed.
    func run(_ from: UnsafeRawPointer, into to: UnsafeMutableRawPointer, stream: dnnl_stream_t) -> Bool {
        guard source.point(at: UnsafeMutableRawPointer(mutating: from)), destination.point(at: to) else { return false }
        return primitive.execute(
            [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: source.handle), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: destination.handle)],
            on: stream)
    }
}
