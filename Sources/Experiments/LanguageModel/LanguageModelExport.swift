import Foundation
import NN
import RL
import Environments
import RunStorage
import Tensor

/// `rltrain export RUN --format safetensors`: a language-model run's weights
/// as a safetensors file (Hugging Face's format: an 8-byte little-endian
/// header length, a JSON header naming each tensor's dtype, shape and byte
/// range, then the raw little-endian Float32 data), with `config.json` (the
/// shape and the vocabulary) and `check.json` (a token sequence and the
/// logits rltrain computes for it, which `Benchmarks/language-model/check_export.py`
/// reproduces in numpy). Tensor names follow GPT-2's; every weight matrix is
/// stored [inputs, outputs], so a layer is x @ W + b.
public enum LanguageModelExport {
    public static func export(_ directory: RunDirectory, to output: String) throws -> [String] {
        let record = try RunRecord.read(from: directory)
        guard let settings = record.config.languageModel, let task = record.config.textTask else {
            throw ConfigError("\(directory.path) trained an MLP policy; export writes language-model runs (--policy transformer)")
        }
        guard FileManager.default.fileExists(atPath: directory.checkpoint) else {
            throw ConfigFileError("\(directory.path) has no checkpoint yet: nothing to export")
        }
        let saved = try LanguageModelCheckpoint.read(from: directory, config: record.config)
        let shape = try settings.transformerConfig(for: task)
        let model = try LanguageModelCheckpoint.model(saved.parameters, config: shape, directory: directory)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let files = ["model.safetensors", "config.json", "check.json"].map { (output as NSString).appendingPathComponent($0) }
        try AtomicFile.write(safetensors(model), to: files[0])
        try AtomicFile.write(try json(configObject(shape, vocabulary: task.vocabulary)), to: files[1])
        let sequence = checkSequence(task, seed: record.config.ppo.seed, context: shape.context)
        var workspace = Transformer.Workspace()
        let logits = model.forward(TokenBatch([sequence]), workspace: &workspace)
        let rows = (0..<sequence.count).map { Array(logits.scalars[($0 * shape.vocabularySize)..<(($0 + 1) * shape.vocabularySize)]) }
        try AtomicFile.write(try json(["tokens": sequence, "logits": rows] as [String: Any]), to: files[2])
        return files
    }

    /// The model's tensors by name, in the order they are stored.
    static func namedTensors(_ model: Transformer) -> [(String, Tensor)] {
        var tensors: [(String, Tensor)] = [("wte", model.embedding.token.value), ("wpe", model.embedding.position.value)]
        for (l, block) in model.blocks.enumerated() {
            tensors += [
                ("h.\(l).ln_1.weight", block.norm1.weight.value), ("h.\(l).ln_1.bias", block.norm1.bias.value),
                ("h.\(l).attn.c_attn.weight", block.attention.qkv.weight.value), ("h.\(l).attn.c_attn.bias", block.attention.qkv.bias.value),
                ("h.\(l).attn.c_proj.weight", block.attention.projection.weight.value),
                ("h.\(l).attn.c_proj.bias", block.attention.projection.bias.value),
                ("h.\(l).ln_2.weight", block.norm2.weight.value), ("h.\(l).ln_2.bias", block.norm2.bias.value),
                ("h.\(l).mlp.c_fc.weight", block.feedForward.expand.weight.value),
                ("h.\(l).mlp.c_fc.bias", block.feedForward.expand.bias.value),
                ("h.\(l).mlp.c_proj.weight", block.feedForward.contract.weight.value),
                ("h.\(l).mlp.c_proj.bias", block.feedForward.contract.bias.value),
            ]
        }
        tensors += [("ln_f.weight", model.finalNorm.weight.value), ("ln_f.bias", model.finalNorm.bias.value),
                    ("lm_head.weight", model.head.weight.value)]
        return tensors
    }

    static func safetensors(_ model: Transformer) -> Data {
        let tensors = namedTensors(model)
        var entries: [String] = []
        var offset = 0
        for (name, tensor) in tensors {
            let bytes = tensor.scalars.count * 4
            entries.append("\"\(name)\":{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var header = Array("{\"__metadata__\":{\"format\":\"pt\",\"producer\":\"rltrain\"},\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }  // the format pads the header with spaces
        var data = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for (_, tensor) in tensors {
            for value in tensor.scalars { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
        return data
    }

    static func configObject(_ shape: TransformerConfig, vocabulary: Vocabulary) -> [String: Any] {
        [
            "model_type": "rltrain-gpt", "vocab_size": shape.vocabularySize, "n_positions": shape.context,
            "n_layer": shape.layers, "n_embd": shape.dModel, "n_head": shape.heads, "layer_norm_epsilon": Double(LayerNorm.epsilon),
            "activation_function": "gelu_new", "pre_layer_norm": true, "lm_head_bias": false,
            "weight_layout": "[inputs, outputs]: y = x @ W + b; lm_head.weight is [n_embd, vocab_size]",
            "vocabulary": vocabulary.tokens,
        ]
    }

    /// A held-out problem's prompt and its worked THINK completion.
    static func checkSequence<T: TextTask>(_ task: T, seed: UInt64, context: Int) -> [Int] {
        guard let problem = task.heldOutProblems(count: 1, digits: task.digits.upperBound, seed: seed).first else { return [0] }
        return Array((task.prompt(for: problem) + task.completion(for: problem, format: .think)).prefix(context))
    }

    private static func json(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}
