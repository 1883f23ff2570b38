/// How a written answer is paid, at an episode's last step, in the tasks
/// that answer in digits (addition, multiplication): their configs' `Reward`.
public enum AnswerReward: String, Codable, Sendable, CaseIterable {
    /// The fraction of the answer's digits that are right.
    case digits
    /// 1 if every answer digit is right, else 0.
    case outcome

    /// The reward for an answer with `correct` of its `columns` digits right.
    public func reward(correct: Int, of columns: Int) -> Float {
        switch self {
        case .digits: Float(correct) / Float(columns)
        case .outcome: correct == columns ? 1 : 0
        }
    }
}
