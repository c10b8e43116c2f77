using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Scoring;

/// One award line as the scorer computes it (see <see cref="ScoredItem"/>, which Decide works on).
public sealed class ScoredLine
{
    private ScoredItem _item;

    internal ScoredLine(in ScoredItem item) => _item = item;

    public string AwardId => _item.AwardId;
    public FactId? Fact => _item.Fact is { } fact ? new FactId(fact) : null;
    public RuleId Rule => _item.Rule;
    public string Category => _item.Category;
    public DateOnly Date => _item.Date;
    public Points Requested => _item.Requested;
    public Points Granted => _item.Granted;
    public RuleSetVersion Version => _item.Set.Version;
    public string? CapNote => _item.CapNote;

    public LedgerEntry ToEntry() => _item.ToEntry();
}

/// One award line as the scorer computes it, a struct in a per-thread buffer: a decision re-scores
/// the whole year and most lines are unchanged, so they cost no object. The award id and cap note are
/// only written out when the line becomes an event or a ledger entry.
internal struct ScoredItem
{
    internal ScoredItem(DateOnly date, int stage, string? awardId, string? fact, int order, RuleSet set, RuleId rule, string category,
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
        Granted = default;
        ClipScope = default;
        ClipId = null;
        ClipCap = null;
    }

    /// "{fact}/{rule}" for a fact's line, built when asked for.
    public readonly string AwardId => OwnAwardId ?? $"{Fact}/{Rule}";

    /// The award id when it is not the fact's "{fact}/{rule}" (base score, period bonuses), else null.
    public readonly string? OwnAwardId;
    public readonly string? Fact;
    public readonly RuleId Rule;
    public readonly string Category;
    public readonly DateOnly Date;
    public readonly Points Requested;
    public Points Granted;
    public readonly int Stage;
    public readonly int Order;
    public readonly RuleSet Set;
    public readonly IReadOnlyList<Cap> RuleCaps;

    // The last cap that clipped this line, if any.
    public char ClipScope;
    public string? ClipId;
    public Cap? ClipCap;

    public readonly FactId? FactId => Fact is { } fact ? new FactId(fact) : null;

    public readonly string? CapNote
    {
        get
        {
            if (ClipCap is not { } cap) return null;
            var what = Granted.IsNegative || Requested.IsNegative ? "保底 floor reached" : "上限已满 cap reached";
            var where = ClipScope switch { 'r' => $"规则 rule {ClipId}", 'c' => $"类别 category {ClipId}", _ => "总分 total" };
            return $"{what}: {where} {cap}: requested {Requested}, granted {Granted}";
        }
    }

    public readonly LedgerEntry ToEntry() => new(AwardId, FactId, Rule, Set.Version, Category, Date, Requested, Granted, CapNote);
}
