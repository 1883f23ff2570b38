import RL

/// A countdown problem (TinyZero's task, at toy scale): reach `target` from
/// `numbers` — 3 or 4 digits 1–9, repeats allowed — with + − ×, each number
/// used exactly once. Its parts: the problems with their held-out split, the
/// game's moves (`a op b = c`, what THINK working writes), expressions (what
/// an answer writes) and their checker.
///
/// A problem is drawn as a random play of the game — take two numbers,
/// combine them, put the result back, until one is left — kept when the last
/// value is 1–100. Subtraction takes the smaller from the larger, and no
/// value passes 999, so every move writes non-negative numbers of at most
/// three digits. Single-digit numbers keep each given number one token.
public struct CountdownProblem: Sendable, Hashable {
    /// The numbers given, ascending.
    public let numbers: [Int]
    public let target: Int
    /// One way to reach the target: the moves of the play that drew it.
    public let solution: [CountdownMove]
    /// Plays on the same numbers that miss the target, written before the
    /// solution in THINK worked examples (a search: try, check, try again).
    public let misses: [[CountdownMove]]

    /// The sizes countdown supports: numbers given.
    public static let supportedCounts = 3...4
    /// Targets a problem may have.
    public static let targets = 1...100
    /// No move writes a value above this.
    public static let largestValue = 999

    /// `solution` must be a play on `numbers` that ends on `target` (each
    /// move combining two values on the table), each miss a play on them.
    public init(numbers: [Int], target: Int, solution: [CountdownMove], misses: [[CountdownMove]] = []) {
        precondition(Self.ends(solution, on: numbers) == target && misses.allSatisfy { Self.ends($0, on: numbers) != nil },
                     "a countdown solution must be a play on the numbers that reaches the target")
        self.numbers = numbers.sorted()
        self.target = target
        self.solution = solution
        self.misses = misses
    }

    /// A training problem (never a held-out one) with `count` numbers; a
    /// miss precedes its solution with probability `missProbability`.
    public static func drawTraining(count: Int, missProbability: Double = 0.5, rng: inout RNG) -> CountdownProblem {
        draw(count: count, heldOut: false, missProbability: missProbability, rng: &rng)
    }

    /// A held-out problem with `count` numbers.
    public static func drawHeldOut(count: Int, missProbability: Double = 0.5, rng: inout RNG) -> CountdownProblem {
        draw(count: count, heldOut: true, missProbability: missProbability, rng: &rng)
    }

    private static func draw(count: Int, heldOut: Bool, missProbability: Double, rng: inout RNG) -> CountdownProblem {
        precondition(supportedCounts.contains(count), "countdown takes \(supportedCounts) numbers")
        while true {
            let numbers = (0..<count).map { _ in 1 + rng.int(below: 9) }
            guard let play = randomPlay(numbers, rng: &rng), let target = play.last?.value, targets.contains(target),
                  isHeldOut(numbers: numbers, target: target) == heldOut else { continue }
            var misses: [[CountdownMove]] = []
            if rng.uniformDouble() < missProbability {
                // A play that ends elsewhere; a few tries, since some numbers reach one value only.
                for _ in 0..<8 {
                    if let miss = randomPlay(numbers, rng: &rng), miss.last?.value != target {
                        misses.append(miss)
                        break
                    }
                }
            }
            return CountdownProblem(numbers: numbers, target: target, solution: play, misses: misses)
        }
    }

    /// A random play of the game on `numbers`: nil when a value passes `largestValue`.
    static func randomPlay(_ numbers: [Int], rng: inout RNG) -> [CountdownMove]? {
        var pool = numbers
        var moves: [CountdownMove] = []
        while pool.count > 1 {
            let i = rng.int(below: pool.count)
            var j = rng.int(below: pool.count - 1)
            if j >= i { j += 1 }
            let op = CountdownOperator.allCases[rng.int(below: CountdownOperator.allCases.count)]
            let (a, b) = op == .minus && pool[i] < pool[j] ? (pool[j], pool[i]) : (pool[i], pool[j])
            let move = CountdownMove(left: a, op: op, right: b)
            guard move.value <= largestValue else { return nil }
            moves.append(move)
            pool.remove(at: max(i, j))
            pool.remove(at: min(i, j))
            pool.append(move.value)
        }
        return moves
    }

    /// Where a play on `numbers` ends: its last value, nil unless every move
    /// takes two values on the table and the play uses them all.
    static func ends(_ moves: [CountdownMove], on numbers: [Int]) -> Int? {
        var table = numbers
        for move in moves {
            guard take(move, from: &table, writing: move.value) else { return nil }
        }
        return table.count == 1 ? table[0] : nil
    }

    /// One move on the table: takes its left operand, then its right, and
    /// puts `value` back; false (the table as far as the move got) when an
    /// operand is not there.
    static func take(_ move: CountdownMove, from table: inout [Int], writing value: Int) -> Bool {
        guard let i = table.firstIndex(of: move.left) else { return false }
        table.remove(at: i)
        guard let j = table.firstIndex(of: move.right) else { return false }
        table.remove(at: j)
        table.append(value)
        return true
    }

    /// The held-out split: one (numbers, target) in 8, by `HeldOutSplit`'s hash.
    public static func isHeldOut(numbers: [Int], target: Int) -> Bool {
        var split = HeldOutSplit()
        split.combine(UInt64(numbers.count))
        for n in numbers.sorted() { split.combine(UInt64(n)) }
        split.combine(UInt64(target))
        return HeldOutSplit.isHeldOut(digits: numbers.count, hash: split.hash)
    }

    public var isHeldOut: Bool { Self.isHeldOut(numbers: numbers, target: target) }

    /// The solution as one expression, parenthesised only where needed.
    public var solutionExpression: CountdownExpression { CountdownExpression(moves: solution, numbers: numbers) }
}

public enum CountdownOperator: Sendable, Hashable, CaseIterable {
    case plus, minus, times

    public func apply(_ a: Int, _ b: Int) -> Int {
        switch self {
        case .plus: a + b
        case .minus: a - b
        case .times: a * b
        }
    }

    /// × binds tighter than + and −.
    var precedence: Int { self == .times ? 2 : 1 }
}

/// One move of the game: two numbers combined into a third.
public struct CountdownMove: Sendable, Hashable {
    public var left: Int
    public var op: CountdownOperator
    public var right: Int

    public init(left: Int, op: CountdownOperator, right: Int) {
        self.left = left
        self.op = op
        self.right = right
    }

    public var value: Int { op.apply(left, right) }
}

/// An arithmetic expression over the given numbers: what a countdown answer
/// writes, e.g. `7*9+7+7` or `(8-2)*9+1`.
public indirect enum CountdownExpression: Sendable, Hashable {
    case number(Int)
    case apply(CountdownOperator, CountdownExpression, CountdownExpression)

    /// The expression a play builds: each move combines the expressions of
    /// its two values (the numbers given, or earlier moves' results).
    init(moves: [CountdownMove], numbers: [Int]) {
        var pool: [(value: Int, expression: CountdownExpression)] = numbers.map { ($0, .number($0)) }
        for move in moves {
            let i = pool.firstIndex { $0.value == move.left }!
            let left = pool.remove(at: i).expression
            let j = pool.firstIndex { $0.value == move.right }!
            let right = pool.remove(at: j).expression
            pool.append((move.value, .apply(move.op, left, right)))
        }
        self = pool[0].expression
    }

    public var value: Int {
        switch self {
        case .number(let n): n
        case .apply(let op, let a, let b): op.apply(a.value, b.value)
        }
    }

    /// The numbers it uses, ascending.
    public var numbers: [Int] {
        switch self {
        case .number(let n): [n]
        case .apply(_, let a, let b): (a.numbers + b.numbers).sorted()
        }
    }

    private var precedence: Int {
        if case .apply(let op, _, _) = self { return op.precedence }
        return 3
    }

    /// Infix with the fewest parentheses: a left operand needs them when it
    /// binds more loosely than its operator, a right one also when it binds
    /// equally under − (a−(b+c)); + and × are associative.
    public var infix: String {
        switch self {
        case .number(let n): return String(n)
        case .apply(let op, let a, let b):
            let left = a.precedence < op.precedence ? "(\(a.infix))" : a.infix
            let right = b.precedence < op.precedence || (b.precedence == op.precedence && op == .minus) ? "(\(b.infix))" : b.infix
            return left + op.symbol + right
        }
    }

    /// Reads `text` (digits 1–9, one per number, `+ - * ( )`); nil unless
    /// the whole text is one expression.
    public init?(parsing text: String) {
        var parser = Parser(characters: Array(text))
        guard let expression = parser.expression(), parser.position == parser.characters.count else { return nil }
        self = expression
    }

    /// Recursive descent: expression := term (± term)*, term := factor (× factor)*,
    /// factor := digit | ( expression ). A number is one digit 1–9: `63` is two numbers side by side, not valid.
    private struct Parser {
        let characters: [Character]
        var position = 0
        var depth = 0

        mutating func expression() -> CountdownExpression? {
            guard var result = term() else { return nil }
            while let op = peek(), op == "+" || op == "-" {
                position += 1
                guard let right = term() else { return nil }
                result = .apply(op == "+" ? .plus : .minus, result, right)
            }
            return result
        }

        mutating func term() -> CountdownExpression? {
            guard var result = factor() else { return nil }
            while peek() == "*" {
                position += 1
                guard let right = factor() else { return nil }
                result = .apply(.times, result, right)
            }
            return result
        }

        mutating func factor() -> CountdownExpression? {
            guard let c = peek() else { return nil }
            position += 1
            if c == "(" {
                depth += 1
                guard depth <= 16, let inner = expression(), peek() == ")" else { return nil }
                position += 1
                depth -= 1
                return inner
            }
            guard let digit = c.wholeNumberValue, (1...9).contains(digit), c.isASCII else { return nil }
            return .number(digit)
        }

        func peek() -> Character? { position < characters.count ? characters[position] : nil }
    }
}

extension CountdownOperator {
    public var symbol: String {
        switch self {
        case .plus: "+"
        case .minus: "-"
        case .times: "*"
        }
    }
}
