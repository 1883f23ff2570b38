/// Which TensorBoard tag each `progress.csv` column is logged under, laid
/// out as CleanRL lays out its runs so that curves from both sit side by side:
/// PPO's optimisation statistics under `losses/` (CleanRL's
/// `losses/value_loss`, `losses/approx_kl`, …), counters and timings under
/// `time/` (Stable-Baselines3's group for them), and everything else —
/// returns, success rate, learning rate, steps per second and any column an
/// environment adds — under `charts/`. The tag is the group and the column
/// name unchanged (`charts/sps`, not CleanRL's `charts/SPS`), so a tag always
/// says which column it came from.
///
/// The step is `env_steps`, as CleanRL's `global_step`; it is not logged as
/// a scalar of its own.
public enum TensorBoardTags {
    /// The column that gives each row's TensorBoard step.
    public static let stepColumn = "env_steps"

    public static let losses: Set<String> = [
        "policy_loss", "value_loss", "entropy", "approx_kl", "clipfrac", "explained_variance",
    ]

    public static let time: Set<String> = [
        "update", "episodes", "wall_seconds", "rollout_seconds", "update_seconds", "allreduce_seconds", "flops", "update_flops",
    ]

    /// The tag of each column but the step column, in column order; works
    /// for any environment's columns.
    public static func tags(for columns: [String]) -> [(column: String, tag: String)] {
        columns.filter { $0 != stepColumn }.map { column in
            let group = losses.contains(column) ? "losses" : time.contains(column) ? "time" : "charts"
            return (column, group + "/" + column)
        }
    }

    /// A row's step: its `env_steps`, or nil when that is missing or not a
    /// whole number.
    public static func step(_ row: [String: CSVField]) -> Int64? {
        switch row[stepColumn] {
        case let .int(value): Int64(value)
        case let .text(text): Int64(text)
        case let .double(value): Int64(exactly: value)
        case let .float(value): Int64(exactly: value)
        case .missing, nil: nil
        }
    }

    /// A row's scalars under `tags`, in their order. Empty, NaN, infinite and
    /// non-numeric fields are skipped: TensorBoard would draw them as gaps
    /// or spikes, and `progress.csv` leaves them empty for "not measured".
    public static func scalars(_ row: [String: CSVField], tags: [(column: String, tag: String)]) -> [(tag: String, value: Double)] {
        tags.compactMap { column, tag in
            let value: Double? = switch row[column] {
            case let .int(value): Double(value)
            case let .double(value): value
            case let .float(value): Double(value)
            case let .text(text): Double(text)
            case .missing, nil: nil
            }
            guard let value, value.isFinite else { return nil }
            return (tag, value)
        }
    }
}
