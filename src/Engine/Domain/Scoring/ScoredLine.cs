using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Scoring;

/// One award line as the scorer computes it. The cap note is only written out when the line becomes
/// an event or a ledger entry: most lines of a recomputed year are unchanged, and formatting notes for
/// them was most of the cost of a decision.
public sealed class ScoredLine
{
    internal ScoredLine(DateOnly date, int stage, string? awardId, FactId? fact, int order, RuleSet set, RuleId rule, string category,
        Points requested, IReadOnlyList<Cap> ruleCaps)
    {
        Date = date;
        Stage = stage;
        OwnAwardId = awardId;
        Fact = fact;
        Order = order;
        Set = set;
        Rule = rule;
        Category = category;
        Requested = requested;
        RuleCaps = ruleCaps;
    }

    /// "{fact}/{rule}" for a fact's line, built only when asked for: most lines of a recomputed year are
    /// unchanged and are matched against the ledger without it.
    public string AwardId => OwnAwardId ??= $"{Fact}/{Rule}";

    /// The award id when it is not the fact's "{fact}/{rule}" (base score, period bonuses), else null until built.
    internal string? OwnAwardId { get; private set; }
    public FactId? Fact { get; }
    public RuleId Rule { get; }
    public string Category { get; }
    public DateOnly Date { get; }
    public Points Requested { get; }
    public Points Granted { get; internal set; }
    public RuleSetVersion Version => Set.Version;

    internal int Stage { get; }
    internal int Order { get; }
    internal RuleSet Set { get; }
    internal IReadOnlyList<Cap> RuleCaps { get; }

    // The last cap that clipped this line, if any.
    internal char ClipScope { get; set; }
    internal string? ClipId { get; set; }
    internal Cap? ClipCap { get; set; }

    public string? CapNote
    {
        get
        {
            if (ClipCap is not { } cap) return null;
            var what = Granted.IsNegative || Requested.IsNegative ? "保底 floor reached" : "上限已满 cap reached";
            var where = ClipScope switch { 'r' => $"规则 rule {ClipId}", 'c' => $"类别 category {ClipId}", _ => "总分 total" };
            return $"{what}: {where} {cap}: requested {Requested}, granted {Granted}";
        }
    }

    public LedgerEntry ToEntry() => new(AwardId, Fact, Rule, Version, Category, Date, Requested, Granted, CapNote);
}
