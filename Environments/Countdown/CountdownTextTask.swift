import RL

/// Countdown as text: `3,7,7,9:77` → DIRECT `D7*9+7+7<eos>`, the expression
/// alone; THINK the game's moves, each checkable, then the expression:
/// `T9*7=63|63+7=70|70+3=73|7*9=63|63+7=70|70+7=77|>7*9+7+7<eos>` — here a
/// first play that misses (73), then one that reaches 77. A play is n − 1
/// moves for n numbers, so the working splits into attempts by count alone.
///
/// The reward checks the answer only: 1 if the expression parses, uses the
/// given numbers exactly once each and equals the target; the moves are
/// labelled step by step (`stepCorrectness`: the value right and both
/// operands still on the table), never paid.
public struct CountdownTextTask: TextTask {
    public typealias Problem = CountdownProblem

    /// Numbers given (3…4): what `digits` means for this task.
    public let digits: ClosedRange<Int>
    public var sizeUnit: String { "number" }
    /// How often a THINK worked example tries a missing play first.
    public let missProbability: Double

    public init(numbers: ClosedRange<Int> = CountdownProblem.supportedCounts, missProbability: Double = 0.5) {
        precondition(CountdownProblem.supportedCounts.contains(numbers.lowerBound)
                     && CountdownProblem.supportedCounts.contains(numbers.upperBound), "countdown takes 3-4 numbers")
        precondition((0...1).contains(missProbability), "missProbability must be within 0-1")
        digits = numbers
        self.missProbability = missProbability
    }

    /// The standard tokens, then `-`, `(`, `)`, `,`, `:` (ids 19–23).
    public static let vocabulary = Vocabulary(tokens: Vocabulary.standard.tokens + ["-", "(", ")", ",", ":"])
    public var vocabulary: Vocabulary { Self.vocabulary }
    static let minus = 19, open = 20, close = 21, comma = 22, colon = 23

    /// An answer is an expression: digits, operators and parentheses.
    public func isAnswerToken(_ token: Int) -> Bool {
        Vocabulary.isDigit(token) || [Vocabulary.plus, Vocabulary.times, Self.minus, Self.open, Self.close].contains(token)
    }

    public func trainingProblem(rng: inout RNG) -> CountdownProblem {
        let count = digits.lowerBound + rng.int(below: digits.count)
        return CountdownProblem.drawTraining(count: count, missProbability: missProbability, rng: &rng)
    }

    public func heldOutProblem(digits: Int, rng: inout RNG) -> CountdownProblem {
        CountdownProblem.drawHeldOut(count: digits, missProbability: missProbability, rng: &rng)
    }

    public func isHeldOut(_ problem: CountdownProblem) -> Bool { problem.isHeldOut }

    public func digits(of problem: CountdownProblem) -> Int { problem.numbers.count }

    public func difficulty(of problem: CountdownProblem) -> String { "\(problem.numbers.count) numbers" }

    public func prompt(for problem: CountdownProblem) -> [Int] {
        var tokens: [Int] = []
        for (i, n) in problem.numbers.enumerated() {
            if i > 0 { tokens.append(Self.comma) }
            tokens.append(Vocabulary.digit(n))
        }
        return tokens + [Self.colon] + encode(String(problem.target))
    }

    public func answer(for problem: CountdownProblem) -> [Int] {
        encode(problem.solutionExpression.infix)
    }

    /// The misses' moves, then the solution's: `a op b=c` each.
    public func workingSteps(for problem: CountdownProblem) -> [[Int]] {
        (problem.misses.flatMap { $0 } + problem.solution).map { move in
            encode("\(move.left)\(move.op.symbol)\(move.right)=\(move.value)")
        }
    }

    /// 1 iff the completion is well-formed, fits, and its expression uses
    /// each given number once and equals the target; any right expression
    /// scores, not only the worked example's.
    public func reward(of completion: [Int], for problem: CountdownProblem) -> Double {
        guard completion.count <= maxCompletionLength(for: problem) else { return 0 }
        return expression(of: completion, for: problem)?.value == problem.target ? 1 : 0
    }

    /// Majority vote counts an expression by the value it reaches, and only
    /// one that uses the given numbers: different right expressions agree.
    public func voteKey(of completion: [Int], for problem: CountdownProblem) -> [Int]? {
        expression(of: completion, for: problem).map { [$0.value] }
    }

    /// The well-formed completion's expression, if it uses the given numbers exactly once each.
    private func expression(of completion: [Int], for problem: CountdownProblem) -> CountdownExpression? {
        guard let answer = read(completion).answer, let expression = CountdownExpression(parsing: vocabulary.decode(answer)),
              expression.numbers == problem.numbers else { return nil }
        return expression
    }

    /// Per move written: `a op b=c` with c = a op b and a, b on the table —
    /// the numbers given, less those used, plus the values written, afresh
    /// at each attempt's first move.
    public func stepCorrectness(of completion: [Int], for problem: CountdownProblem) -> [Bool] {
        let movesPerPlay = problem.numbers.count - 1
        var table = problem.numbers
        return read(completion).steps.enumerated().map { index, step in
            if index % movesPerPlay == 0 { table = problem.numbers }
            guard let (move, written) = Self.move(vocabulary.decode(step)),
                  CountdownProblem.take(move, from: &table, writing: written) else { return false }
            return written == move.value
        }
    }

    /// Attempts a completion's working makes (plays of n − 1 moves, the
    /// last one possibly cut short), and whether it tried again after a
    /// play whose written value missed the target: search, counted.
    public func attempts(of completion: [Int], for problem: CountdownProblem) -> (count: Int, retriedAfterMiss: Bool)? {
        let steps = read(completion).steps
        let movesPerPlay = problem.numbers.count - 1
        let count = (steps.count + movesPerPlay - 1) / movesPerPlay
        guard count > 1 else { return (count, false) }
        let firstEnd = Self.move(vocabulary.decode(steps[movesPerPlay - 1]))?.written
        return (count, firstEnd != problem.target)
    }

    /// The longest THINK worked example of n numbers can be: the mode, two
    /// plays (a miss, the solution) of moves of at most 12 tokens
    /// (`999*9=999|`: no value passes 999), `>`, the longest answer — n
    /// digits, n − 1 operators, at most 2(n − 2) parentheses — and `<eos>`.
    /// A completion may write that much (a search may try more, shorter plays).
    public func maxCompletionLength(for problem: CountdownProblem) -> Int {
        Self.longestCompletion(numbers: problem.numbers.count)
    }

    static func longestCompletion(numbers n: Int) -> Int {
        1 + 2 * (n - 1) * 12 + 1 + (4 * n - 5) + 1
    }

    /// The prompt (n digits, n − 1 commas, `:`, a target of up to 3 digits)
    /// and the longest completion.
    public func longestWorkedSequence(digits n: Int) -> Int {
        2 * n + 3 + Self.longestCompletion(numbers: n)
    }

    /// `a op b=c` read back: the move and the value written.
    static func move(_ text: String) -> (CountdownMove, written: Int)? {
        let sides = text.split(separator: "=", omittingEmptySubsequences: false)
        guard sides.count == 2, let written = number(sides[1]),
              let opIndex = sides[0].dropFirst().firstIndex(where: { "+-*".contains($0) }),
              let left = number(sides[0][..<opIndex]), let right = number(sides[0][sides[0].index(after: opIndex)...]),
              let op = CountdownOperator.allCases.first(where: { $0.symbol == String(sides[0][opIndex]) }) else { return nil }
        return (CountdownMove(left: left, op: op, right: right), written)
    }

    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 4, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    private func encode(_ text: String) -> [Int] {
        vocabulary.encode(text)!
    }
}
