extension Vocabulary {
    /// The id of a token's text, nil if the vocabulary has no such token.
    public func id(of text: String) -> Int? {
        tokens.firstIndex(of: text)
    }

    /// Tokens of `text`: each character is a token, except that a `<…>`
    /// spelling a multi-character token (`<eos>`) is one. Nil when any part of
    /// the text is not in the vocabulary, so a typo cannot silently change a
    /// prompt.
    public func encode(_ text: String) -> [Int]? {
        var result: [Int] = []
        var rest = Substring(text)
        while let first = rest.first {
            if first == "<", let close = rest.firstIndex(of: ">"), let id = id(of: String(rest[...close])) {
                result.append(id)
                rest = rest[rest.index(after: close)...]
            } else if let id = id(of: String(first)) {
                result.append(id)
                rest = rest.dropFirst()
            } else {
                return nil
            }
        }
        return result
    }

    /// The text of `tokens`, concatenated. An id outside the vocabulary (a
    /// sampler bug, or a checkpoint with another vocabulary) is written `<?id>`
    /// rather than trapping, so that logs still show it.
    public func decode(_ ids: [Int]) -> String {
        var text = ""
        for id in ids {
            text += tokens.indices.contains(id) ? tokens[id] : "<?\(id)>"
        }
        return text
    }
}
