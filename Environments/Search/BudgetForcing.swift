import RunStorage

/// Test-time think budgets against the caps a policy was trained under.
enum BudgetForcing {
    /// Warns (one line on stderr) when `rltrain eval` asks for a budget above
    /// the single fixed cap the policy was trained with. Such a policy was
    /// always cut off at the cap and never learned to stop thinking by itself:
    /// given more room it writes notes over notes (addition trained with a
    /// fixed budget of 1 lost 30 points at 3 digits with budget 2,
    /// docs/thinking.md). Caps drawn from a range during training teach it
    /// to answer when done, and larger budgets then cost nothing, so only the
    /// fixed cap is warned about; the evaluation still runs.
    static func warnIfAboveFixedCap(requested: Int?, trained caps: ClosedRange<Int>, console: Console) {
        guard let requested, caps.count == 1, requested > caps.upperBound else { return }
        console.warning(
            "think budget \(requested) is above the fixed budget of \(caps.upperBound) this policy was trained with, "
                + "under which it never learned to stop thinking by itself, and can cost accuracy; "
                + "training with a range of caps (--think-budget \(caps.upperBound)-\(caps.upperBound + 1)) makes larger budgets safe")
    }
}
