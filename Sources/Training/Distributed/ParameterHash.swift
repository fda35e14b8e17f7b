import Autograd

/// FNV-1a over the bytes of tensors: equal hashes on all ranks mean equal parameters.
public func parameterHash(_ tensors: [Tensor]) -> Int64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for tensor in tensors {
        tensor.withScalars { values in
            for value in values {
                var bits = value.bitPattern
                for _ in 0..<4 {
                    hash = (hash ^ UInt64(bits & 0xff)) &* 0x100_0000_01b3
                    bits >>= 8
                }
            }
        }
    }
    return Int64(bitPattern: hash)
}
