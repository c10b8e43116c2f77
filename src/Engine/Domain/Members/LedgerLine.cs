using System.Collections.Concurrent;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

/// What a ledger line shares with the same line of other members: rule, rule-set version, category,
/// points requested, cap note, and the award id when it is not the fact's "{fact}/{rule}" (base score,
/// period bonuses). A handful of combinations per rule book, shared by every line that carries them
/// (see <see cref="Interned"/>).
internal sealed class LineTerms(RuleId rule, RuleSetVersion version, string category, int requestedCents, string? capNote, string? award)
{
    public RuleId Rule { get; } = rule;
    public RuleSetVersion Version { get; } = version;
    public string Category { get; } = category;
    public int RequestedCents { get; } = requestedCents;
    public string? CapNote { get; } = capNote;
    /// Null: the award id is the line's fact + "/" + rule.
    public string? Award { get; } = award;
}

/// Process-wide pools for the few strings and terms every member repeats (rule ids, versions,
/// categories, base and bonus award ids, cap notes, branch ids) and for the ids of attendances, which
/// are meeting ids shared by everyone at the meeting. Pure memoisation: a pooled value equals the one
/// given. Bounded, so a stream of unexpected values only stops being pooled.
internal static class Interned
{
    private const int Limit = 100_000;
    // A meeting id is held once for all its attendees (about 1 million meetings a year for 1 million members).
    private const int FactIdLimit = 4_000_000;
    private static readonly ConcurrentDictionary<(string, string, string, int, string?, string?), LineTerms> TermsPool = new();
    private static readonly ConcurrentDictionary<string, string> TextPool = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> FactIdPool = new(StringComparer.Ordinal);

    public static LineTerms Terms(RuleId rule, RuleSetVersion version, string category, int requestedCents, string? capNote, string? award)
    {
        var key = (rule.Value, version.Value, category, requestedCents, capNote, award);
        if (TermsPool.TryGetValue(key, out var terms)) return terms;
        terms = new LineTerms(new RuleId(Text(rule.Value)), new RuleSetVersion(Text(version.Value)), Text(category), requestedCents,
            capNote is null ? null : Text(capNote), award is null ? null : Text(award));
        return TermsPool.Count < Limit ? TermsPool.GetOrAdd(key, terms) : terms;
    }

    public static string Text(string value)
    {
        if (TextPool.TryGetValue(value, out var pooled)) return pooled;
        return TextPool.Count < Limit ? TextPool.GetOrAdd(value, value) : value;
    }

    // Branch ids numbered, so a compact attendance holds its branch in a few bits (see YearFact).
    private const int BranchLimit = 1 << 20;
    private static readonly ConcurrentDictionary<string, int> BranchNumbers = new(StringComparer.Ordinal);
    private static readonly Lock BranchLock = new();
    private static string[] _branches = new string[64];

    /// The branch's number, or -1 when the table is full.
    public static int BranchNumber(string branch)
    {
        if (BranchNumbers.TryGetValue(branch, out var number)) return number;
        lock (BranchLock)
        {
            if (BranchNumbers.TryGetValue(branch, out number)) return number;
            number = BranchNumbers.Count;
            if (number >= BranchLimit) return -1;
            var table = _branches;
            if (number == table.Length)
            {
                Array.Resize(ref table, table.Length * 2);
                Volatile.Write(ref _branches, table);
            }
            table[number] = Text(branch);
            BranchNumbers[branch] = number; // published after the table holds it
            return number;
        }
    }

    public static string BranchAt(int number) => Volatile.Read(ref _branches)[number];

    public static string FactIdText(string value)
    {
        if (FactIdPool.TryGetValue(value, out var pooled)) return pooled;
        return FactIdPool.Count < FactIdLimit ? FactIdPool.GetOrAdd(value, value) : value;
    }
}

/// One ledger line as the member state keeps it: 24 bytes inline in the year's array, no object of its
/// own: the fact's id (the string the fact holds), the pooled terms, the points granted and the date.
/// The award id of a fact's line is "{fact}/{rule}" and is not stored. Points are kept in cents (at
/// most two decimals, within ±1,000,000).
internal readonly struct LedgerLine
{
    private readonly string? _fact;
    private readonly int _granted;

    public LedgerLine(string? fact, string awardId, RuleId rule, RuleSetVersion version, string category, DateOnly date, Points requested,
        Points granted, string? capNote)
    {
        _fact = fact;
        var award = fact is not null && AwardIds.Derived(awardId, fact, rule.Value) ? null : awardId;
        // A fact's line with an id of its own (never written by this scorer) would fill the pool with one-off terms.
        Terms = fact is not null && award is not null
            ? new LineTerms(rule, version, category, Cents(requested), capNote, award)
            : Interned.Terms(rule, version, category, Cents(requested), capNote, award);
        Date = date;
        _granted = Cents(granted);
    }

    private LedgerLine(in LedgerLine line, LineTerms terms, Points granted)
    {
        this = line;
        Terms = terms;
        _granted = Cents(granted);
    }

    public LineTerms Terms { get; }
    public DateOnly Date { get; }
    public string? CapNote => Terms.CapNote;
    public string? Fact => _fact;
    public Points Requested => new(Terms.RequestedCents / 100m);
    public Points Granted => new(_granted / 100m);
    public int GrantedCents => _granted;
    public int RequestedCents => Terms.RequestedCents;

    private string? OwnAward => Terms.Award;

    public string AwardId => OwnAward ?? string.Concat(_fact, "/", Terms.Rule.Value);

    public bool HasAwardId(string awardId) =>
        OwnAward is { } own ? string.Equals(own, awardId, StringComparison.Ordinal) : AwardIds.Derived(awardId, _fact!, Terms.Rule.Value);

    public bool HasAwardId(string? fact, string? award, string rule) => AwardIds.Compare(_fact, OwnAward, Terms.Rule.Value, fact, award, rule) == 0;

    public LedgerLine Corrected(RuleSetVersion version, Points requested, Points granted, string? capNote) =>
        new(this, OwnAward is not null && _fact is not null
            ? new LineTerms(Terms.Rule, version, Terms.Category, Cents(requested), capNote, OwnAward)
            : Interned.Terms(Terms.Rule, version, Terms.Category, Cents(requested), capNote, OwnAward), granted);

    public LedgerEntry ToEntry() =>
        new(AwardId, _fact is null ? null : new FactId(_fact), Terms.Rule, Terms.Version, Terms.Category, Date, Requested, Granted, CapNote);

    public bool SameAs(in LedgerLine other) =>
        Date == other.Date && _granted == other._granted && (ReferenceEquals(Terms, other.Terms) || SameTerms(Terms, other.Terms))
        && string.Equals(_fact, other._fact, StringComparison.Ordinal)
        && HasAwardId(other._fact, other.OwnAward, other.Terms.Rule.Value);

    /// Allocation order of a year: date, then award id (ordinal).
    public static int Compare(in LedgerLine a, in LedgerLine b)
    {
        var c = a.Date.CompareTo(b.Date);
        return c != 0 ? c : AwardIds.Compare(a._fact, a.OwnAward, a.Terms.Rule.Value, b._fact, b.OwnAward, b.Terms.Rule.Value);
    }

    public int CompareTo(DateOnly date, string? fact, string? award, string rule)
    {
        var c = Date.CompareTo(date);
        return c != 0 ? c : AwardIds.Compare(_fact, OwnAward, Terms.Rule.Value, fact, award, rule);
    }

    private static bool SameTerms(LineTerms a, LineTerms b) =>
        a.Rule == b.Rule && a.Version == b.Version && a.Category == b.Category && a.RequestedCents == b.RequestedCents
        && string.Equals(a.CapNote, b.CapNote, StringComparison.Ordinal);

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
