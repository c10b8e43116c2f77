using System.Collections.Concurrent;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

/// The rule, rule-set version and category of a ledger line: a handful of combinations per rule book,
/// shared by every line of every member that carries them (see <see cref="Interned"/>).
internal sealed class LineTerms(RuleId rule, RuleSetVersion version, string category)
{
    public RuleId Rule { get; } = rule;
    public RuleSetVersion Version { get; } = version;
    public string Category { get; } = category;
}

/// Process-wide pools for the few strings and terms every member repeats (rule ids, versions,
/// categories, base and bonus award ids, branch ids). Pure memoisation: a pooled value equals the one
/// given. Bounded, so a stream of unexpected values only stops being pooled.
internal static class Interned
{
    private const int Limit = 100_000;
    private static readonly ConcurrentDictionary<(string, string, string), LineTerms> TermsPool = new();
    private static readonly ConcurrentDictionary<string, string> TextPool = new(StringComparer.Ordinal);

    public static LineTerms Terms(RuleId rule, RuleSetVersion version, string category)
    {
        var key = (rule.Value, version.Value, category);
        if (TermsPool.TryGetValue(key, out var terms)) return terms;
        terms = new LineTerms(new RuleId(Text(rule.Value)), new RuleSetVersion(Text(version.Value)), Text(category));
        return TermsPool.Count < Limit ? TermsPool.GetOrAdd(key, terms) : terms;
    }

    public static string Text(string value)
    {
        if (TextPool.TryGetValue(value, out var pooled)) return pooled;
        return TextPool.Count < Limit ? TextPool.GetOrAdd(value, value) : value;
    }
}

/// One ledger line as the member state keeps it: 48 bytes inline in the year's array, no object of its
/// own. The award id of a fact's line is "{fact}/{rule}" and is not stored; other ids (the base score,
/// period bonuses) are pooled. Points are kept in cents (at most two decimals, within ±1,000,000).
internal readonly struct LedgerLine
{
    private readonly string? _fact;
    private readonly string? _award; // null: the award id is _fact + "/" + rule
    private readonly int _requested, _granted;

    public LedgerLine(string? fact, string awardId, LineTerms terms, DateOnly date, Points requested, Points granted, string? capNote)
    {
        _fact = fact;
        _award = fact is not null && AwardIds.Derived(awardId, fact, terms.Rule.Value) ? null : Interned.Text(awardId);
        Terms = terms;
        Date = date;
        _requested = Cents(requested);
        _granted = Cents(granted);
        CapNote = Note(capNote);
    }

    private LedgerLine(in LedgerLine line, LineTerms terms, Points requested, Points granted, string? capNote)
    {
        this = line;
        Terms = terms;
        _requested = Cents(requested);
        _granted = Cents(granted);
        CapNote = Note(capNote);
    }

    // Cap notes repeat across members ("cap reached: category attendance …: requested 1, granted 0"), so they are pooled too.
    private static string? Note(string? capNote) => capNote is null ? null : Interned.Text(capNote);

    public LineTerms Terms { get; }
    public DateOnly Date { get; }
    public string? CapNote { get; }
    public string? Fact => _fact;
    public Points Requested => new(_requested / 100m);
    public Points Granted => new(_granted / 100m);
    public int GrantedCents => _granted;
    public int RequestedCents => _requested;

    public string AwardId => _award ?? string.Concat(_fact, "/", Terms.Rule.Value);

    public bool HasAwardId(string awardId) =>
        _award is not null ? string.Equals(_award, awardId, StringComparison.Ordinal) : AwardIds.Derived(awardId, _fact!, Terms.Rule.Value);

    public bool HasAwardId(string? fact, string? award, string rule) => AwardIds.Compare(_fact, _award, Terms.Rule.Value, fact, award, rule) == 0;

    public LedgerLine Corrected(RuleSetVersion version, Points requested, Points granted, string? capNote) =>
        new(this, Interned.Terms(Terms.Rule, version, Terms.Category), requested, granted, capNote);

    public LedgerEntry ToEntry() =>
        new(AwardId, _fact is null ? null : new FactId(_fact), Terms.Rule, Terms.Version, Terms.Category, Date, Requested, Granted, CapNote);

    public bool SameAs(in LedgerLine other) =>
        Date == other.Date && _requested == other._requested && _granted == other._granted && (ReferenceEquals(Terms, other.Terms) || SameTerms(Terms, other.Terms))
        && string.Equals(_fact, other._fact, StringComparison.Ordinal) && string.Equals(CapNote, other.CapNote, StringComparison.Ordinal)
        && HasAwardId(other._fact, other._award, other.Terms.Rule.Value);

    /// Allocation order of a year: date, then award id (ordinal).
    public static int Compare(in LedgerLine a, in LedgerLine b)
    {
        var c = a.Date.CompareTo(b.Date);
        return c != 0 ? c : AwardIds.Compare(a._fact, a._award, a.Terms.Rule.Value, b._fact, b._award, b.Terms.Rule.Value);
    }

    public int CompareTo(DateOnly date, string? fact, string? award, string rule)
    {
        var c = Date.CompareTo(date);
        return c != 0 ? c : AwardIds.Compare(_fact, _award, Terms.Rule.Value, fact, award, rule);
    }

    private static bool SameTerms(LineTerms a, LineTerms b) => a.Rule == b.Rule && a.Version == b.Version && a.Category == b.Category;

    private static int Cents(Points points) => (int)(points.Value * 100m);
}

/// Award ids compared without building them: an id is either a string, or fact + "/" + rule.
internal static class AwardIds
{
    public static bool Derived(string awardId, string fact, string rule) =>
        awardId.Length == fact.Length + 1 + rule.Length
        && awardId.AsSpan(0, fact.Length).SequenceEqual(fact) && awardId[fact.Length] == '/'
        && awardId.AsSpan(fact.Length + 1).SequenceEqual(rule);

    public static int Compare(string? aFact, string? aAward, string aRule, string? bFact, string? bAward, string bRule)
    {
        if (aAward is not null && bAward is not null) return string.CompareOrdinal(aAward, bAward);
        var aLength = aAward?.Length ?? aFact!.Length + 1 + aRule.Length;
        var bLength = bAward?.Length ?? bFact!.Length + 1 + bRule.Length;
        var n = Math.Min(aLength, bLength);
        for (var i = 0; i < n; i++)
        {
            var c = At(aFact, aAward, aRule, i) - At(bFact, bAward, bRule, i);
            if (c != 0) return c;
        }
        return aLength - bLength;
    }

    private static int At(string? fact, string? award, string rule, int i)
    {
        if (award is not null) return award[i];
        if (i < fact!.Length) return fact[i];
        return i == fact.Length ? '/' : rule[i - fact.Length - 1];
    }
}
