import CMPI

/// Turns an MPI return code into a thrown `MPIError` carrying MPI's own message.
@inline(__always)
func check(_ code: Int32, _ call: @autoclosure () -> String) throws {
    guard code != MPI_SUCCESS else { return }
    throw MPIError.callFailed(call: call(), code: code, message: errorString(code))
}

func errorString(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: Int(tandem_mpi_max_error_string()) + 1)
    var length: Int32 = 0
    guard MPI_Error_string(code, &buffer, &length) == MPI_SUCCESS else { return "unknown MPI error" }
    return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// MPI counts are 32-bit: the largest element count one call may take.
let mpiCountLimit = Int(Int32.max)

/// A count that fits a 32-bit MPI argument, or an error naming the call.
func mpiCount(_ count: Int, call: String) throws -> Int32 {
    guard count >= 0, count <= mpiCountLimit else {
        throw MPIError.countOverflow(call: call, count: count, limit: mpiCountLimit)
    }
    return Int32(count)
}

/// Splits `count` elements into consecutive ranges of at most `limit` elements,
/// so that elementwise collectives over more than 2^31-1 elements stay exact.
func chunks(count: Int, limit: Int) -> [Range<Int>] {
    guard count > 0 else { return [0..<0] }
    return stride(from: 0, to: count, by: limit).map { $0..<Swift.min($0 + limit, count) }
}

extension MPIScalarKind {
    var datatype: MPI_Datatype {
        switch self {
        case .float32: return tandem_mpi_float()
        case .float64: return tandem_mpi_double()
        case .int32: return tandem_mpi_int32()
        case .int64: return tandem_mpi_int64()
        case .uint8: return tandem_mpi_uint8()
        case .uint16: return tandem_mpi_uint16()
        }
    }
}

extension ReduceOp {
    /// The MPI operation; mean is reduced as a sum and divided afterwards.
    var mpiOp: MPI_Op {
        switch self {
        case .sum, .mean: return tandem_mpi_sum()
        case .max: return tandem_mpi_max()
        case .min: return tandem_mpi_min()
        case .prod: return tandem_mpi_prod()
        }
    }
}

/// Divides every element by `ranks`, turning a summed buffer into a mean.
func divide<T: MPIScalar>(_ buffer: UnsafeMutableBufferPointer<T>, by ranks: Int) {
    guard ranks > 1 else { return }
    if T.self == Float.self {
        let floats = UnsafeMutableRawBufferPointer(buffer).bindMemory(to: Float.self)
        let scale = 1 / Float(ranks)
        for i in floats.indices { floats[i] *= scale }
    } else {
        for i in buffer.indices { buffer[i] = T.dividing(buffer[i], by: ranks) }
    }
}
