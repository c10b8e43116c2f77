namespace PointsEngine.Engine.Rules;

/// One problem in a rule-set document: where (a JSON path such as $.rules[3].points) and why, in
/// English and Chinese, for the person who wrote the document.
public sealed record RuleSetProblem(string Path, string English, string Chinese)
{
    public override string ToString() => $"{Path}: {English} / {Chinese}";
}

/// A rule-set document with problems; Problems lists all of them, not just the first.
public sealed class RuleSetValidationException(IReadOnlyList<RuleSetProblem> problems)
    : Exception($"The rule set has {problems.Count} problem(s) / 规则集有 {problems.Count} 处错误:{Environment.NewLine}"
        + string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<RuleSetProblem> Problems { get; } = problems;
}
