import Tensor

/// The training pass over a packed batch: forward to logits, backward from
/// dL/dlogits into every parameter's gradient.
extension Transformer {
    /// Runs every sequence of `batch` (each at most `context` tokens, every
    /// token below `vocabularySize`); returns logits [totalTokens, vocabularySize],
    /// row t predicting the token after token t of its sequence.
    @discardableResult
    public func forward(_ batch: TokenBatch, workspace: inout Workspace) -> Tensor {
        precondition(batch.lengths.allSatisfy { $0 <= config.context },
                     "Transformer: a sequence is longer than the context \(config.context)")
        precondition(batch.tokens.allSatisfy { (0..<config.vocabularySize).contains($0) },
                     "Transformer: a token is outside the vocabulary 0..<\(config.vocabularySize)")
        let sequences = SequenceLayout(batch, heads: config.heads)
        let needed = TransformerBuffers.count(config, sequences)
        if workspace.storage.count < needed { workspace.storage = [Float](repeating: 0, count: needed) }
        workspace.sequences = sequences
        workspace.positions = batch.positions
        workspace.logits.resize(to: [batch.totalTokens, config.vocabularySize])
        let (blas, positions, rows) = (workspace.blas, workspace.positions, batch.totalTokens)
        workspace.storage.withUnsafeMutableBufferPointer { storage in
            let b = TransformerBuffers(storage.baseAddress!, config, sequences)
            embedding.forward(tokens: batch.tokens, positions: positions, into: b.residual[0])
            for l in blocks.indices {
                blocks[l].forward(b.residual[l], sequences: sequences, activations: b.blocks[l],
                                  into: b.residual[l + 1], blas: blas)
            }
            finalNorm.forward(b.residual[config.layers], rows: rows, into: b.finalNorm, mean: b.finalMean, rstd: b.finalRstd)
            workspace.logits.scalars.withUnsafeMutableBufferPointer { logits in
                head.forward(b.finalNorm, rows: rows, into: logits.baseAddress!, blas: blas)
            }
        }
        return workspace.logits
    }

    /// Backpropagates dL/dlogits for the batch last passed through `forward`
    /// with this workspace, accumulating into every parameter's gradient.
    public mutating func backward(_ batch: TokenBatch, logitsGradient: Tensor, workspace: inout Workspace) {
        precondition(workspace.sequences.starts == batch.starts && workspace.sequences.lengths == batch.lengths,
                     "Transformer.backward: the batch is not the one last run forward")
        precondition(logitsGradient.shape == [batch.totalTokens, config.vocabularySize],
                     "Transformer.backward: logits gradient \(logitsGradient.shape), logits \([batch.totalTokens, config.vocabularySize])")
        let (blas, positions, rows, sequences) = (workspace.blas, workspace.positions, batch.totalTokens, workspace.sequences)
        let d = config.dModel
        workspace.storage.withUnsafeMutableBufferPointer { storage in
            let b = TransformerBuffers(storage.baseAddress!, config, sequences)
            let dResidual = b.residualGradient
            dResidual.update(repeating: 0, count: rows * d)
            logitsGradient.scalars.withUnsafeBufferPointer { dlogits in
                head.backward(b.finalNorm, outputGradient: dlogits.baseAddress!, rows: rows,
                              inputGradient: b.scratch.dNorm, blas: blas)
            }
            finalNorm.backward(b.residual[config.layers], outputGradient: b.scratch.dNorm, rows: rows,
                               mean: b.finalMean, rstd: b.finalRstd, inputGradient: dResidual)
            for l in blocks.indices.reversed() {
                blocks[l].backward(b.residual[l], sequences: sequences, activations: b.blocks[l],
                                   residualGradient: dResidual, scratch: b.scratch, blas: blas)
            }
            embedding.backward(tokens: batch.tokens, positions: positions, outputGradient: dResidual)
        }
    }
}
