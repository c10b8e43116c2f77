using System.Collections.Concurrent;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

/// What a ledger line shares with the same line of other members: rule, rule-set version, category,
/// points requested and granted, cap note, and the award id when it is not the fact's "{fact}/{rule}"
/// (base score, period bonuses). A handful of combinations per rule book (a clipped line's points are
/// in its cap note anyway), numbered and shared by every line that carries them (see <see cref="Interned"/>).
internal sealed class LineTerms(RuleId rule, RuleSetVersion version, string category, int requestedCents, int grantedCents, string? capNote,
    string? award)
{
    public RuleId Rule { get; } = rule;
    public RuleSetVersion Version { get; } = version;
    public string Category { get; } = category;
    public int RequestedCents { get; } = requestedCents;
    public int GrantedCents { get; } = grantedCents;
    public string? CapNote { get; } = capNote;
    /// Null: the award id is the line's fact + "/" + rule.
    public string? Award { get; } = award;

    public bool SameAs(LineTerms other) =>
        ReferenceEquals(this, other)
        || (Rule == other.Rule && Version == other.Version && Category == other.Category && RequestedCents == other.RequestedCents
            && GrantedCents == other.GrantedCents && string.Equals(CapNote, other.CapNote, StringComparison.Ordinal)
            && string.Equals(Award, other.Award, StringComparison.Ordinal));
}

/// Values numbered in order of first sight, in a process-wide append-only table: a state holds the
/// number (a few bits) rather than a reference. Bounded: when full, Number answers -1 and the caller
/// keeps the value itself.
internal sealed class NumberedTable<TKey, TValue>(int limit) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, int> _numbers = new();
    private readonly Lock _lock = new();
    private TValue[] _values = new TValue[64];

    public int Number(TKey key, Func<TKey, TValue> create)
    {
        if (_numbers.TryGetValue(key, out var number)) return number;
        lock (_lock)
        {
            if (_numbers.TryGetValue(key, out number)) return number;
            number = _numbers.Count;
            if (number >= limit) return -1;
            var values = _values;
            if (number == values.Length)
            {
                Array.Resize(ref values, values.Length * 2);
                Volatile.Write(ref _values, values);
            }
            values[number] = create(key);
            _numbers[key] = number; // published once the table holds the value
            return number;
        }
    }

    public TValue At(int number) => Volatile.Read(ref _values)[number];
}

/// Process-wide pools for what every member repeats (rule ids, versions, categories, base and bonus
/// award ids, cap notes, line terms, branch ids) and for the ids of attendances, which are meeting ids
/// shared by everyone at the meeting. Pure memoisation: a pooled value equals the one given. Bounded,
/// so a stream of unexpected values only stops being pooled.
internal static class Interned
{
    private const int Limit = 100_000;
    // A meeting id is held once for all its attendees (about 1 million meetings a year for 1 million members;
    // an entry costs about 100 bytes, i.e. some 2.5 bytes per attendee, against a 56-byte copy each).
    private const int FactIdLimit = 2_000_000;
    private static readonly ConcurrentDictionary<string, string> TextPool = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> FactIdPool = new(StringComparer.Ordinal);
    private static readonly NumberedTable<(string, string, string, int, int, string?, string?), LineTerms> TermsTable = new(1 << 20);
    private static readonly NumberedTable<string, string> BranchTable = new(1 << 20);

    /// The terms' number (see <see cref="TermsAt"/>), or -1 when the table is full.
    public static int TermsNumber(RuleId rule, RuleSetVersion version, string category, int requestedCents, int grantedCents, string? capNote,
        string? award) =>
        TermsTable.Number((rule.Value, version.Value, category, requestedCents, grantedCents, capNote, award),
            static k => new LineTerms(new RuleId(Text(k.Item1)), new RuleSetVersion(Text(k.Item2)), Text(k.Item3), k.Item4, k.Item5,
                k.Item6 is null ? null : Text(k.Item6), k.Item7 is null ? null : Text(k.Item7)));

    public static LineTerms TermsAt(int number) => TermsTable.At(number);

    /// The branch's number (see <see cref="BranchAt"/>), or -1 when the table is full.
    public static int BranchNumber(string branch) => BranchTable.Number(branch, Text);

    public static string BranchAt(int number) => BranchTable.At(number);

    public static string Text(string value)
    {
        if (TextPool.TryGetValue(value, out var pooled)) return pooled;
        return TextPool.Count < Limit ? TextPool.GetOrAdd(value, value) : value;
    }

    public static string FactIdText(string value)
    {
        if (FactIdPool.TryGetValue(value, out var pooled)) return pooled;
        return FactIdPool.Count < FactIdLimit ? FactIdPool.GetOrAdd(value, value) : value;
    }
}

/// A ledger line whose terms are not numbered (a fact's line with an award id of its own, which this
/// scorer never writes, or any line once the terms table is full): fact and terms in an object.
internal sealed class LooseLine(string? fact, LineTerms terms)
{
    public string? Fact { get; } = fact;
    public LineTerms Terms { get; } = terms;
}

/// One ledger line as the member state keeps it: 16 bytes inline in the year's array, no object of its
/// own: the fact's id (the string the fact holds), the number of its terms, and the date. The award id
/// of a fact's line is "{fact}/{rule}" and is not stored. Points are kept in cents (at most two
/// decimals, within ±1,000,000).
internal readonly struct LedgerLine
{
    private readonly object? _ref; // _terms >= 0: the fact's id (null for base and bonus lines); otherwise a LooseLine
    private readonly int _terms;

    public LedgerLine(string? fact, string awardId, RuleId rule, RuleSetVersion version, string category, DateOnly date, Points requested,
        Points granted, string? capNote)
    {
        var award = fact is not null && AwardIds.Derived(awardId, fact, rule.Value) ? null : awardId;
        Date = date;
        // A fact's line with an id of its own would fill the table with one-off terms.
        _terms = fact is not null && award is not null ? -1 : Interned.TermsNumber(rule, version, category, Cents(requested), Cents(granted), capNote, award);
        _ref = _terms >= 0 ? fact : new LooseLine(fact, new LineTerms(rule, version, category, Cents(requested), Cents(granted), capNote, award));
    }

    public LineTerms Terms => _terms >= 0 ? Interned.TermsAt(_terms) : ((LooseLine)_ref!).Terms;
    public DateOnly Date { get; }
    public string? CapNote => Terms.CapNote;
    public string? Fact => _terms >= 0 ? (string?)_ref : ((LooseLine)_ref!).Fact;
    public Points Requested => new(Terms.RequestedCents / 100m);
    public Points Granted => new(Terms.GrantedCents / 100m);
    public int GrantedCents => Terms.GrantedCents;
    public int RequestedCents => Terms.RequestedCents;

    public string AwardId
    {
        get
        {
            var terms = Terms;
            return terms.Award ?? string.Concat(Fact, "/", terms.Rule.Value);
        }
    }

    public bool HasAwardId(string awardId)
    {
        var terms = Terms;
        return terms.Award is { } own ? string.Equals(own, awardId, StringComparison.Ordinal) : AwardIds.Derived(awardId, Fact!, terms.Rule.Value);
    }

    public bool HasAwardId(string? fact, string? award, string rule)
    {
        var terms = Terms;
        return AwardIds.Compare(Fact, terms.Award, terms.Rule.Value, fact, award, rule) == 0;
    }

    public LedgerLine Corrected(RuleSetVersion version, Points requested, Points granted, string? capNote)
    {
        var terms = Terms;
        return new(Fact, AwardId, terms.Rule, version, terms.Category, Date, requested, granted, capNote);
    }

    public LedgerEntry ToEntry()
    {
        var terms = Terms;
        return new(AwardId, Fact is { } fact ? new FactId(fact) : null, terms.Rule, terms.Version, terms.Category, Date, Requested, Granted, CapNote);
    }

    public bool SameAs(in LedgerLine other) =>
        Date == other.Date && Terms.SameAs(other.Terms) && string.Equals(Fact, other.Fact, StringComparison.Ordinal);

    /// Allocation order of a year: date, then award id (ordinal).
    public static int Compare(in LedgerLine a, in LedgerLine b)
    {
        var c = a.Date.CompareTo(b.Date);
        if (c != 0) return c;
        var (at, bt) = (a.Terms, b.Terms);
        return AwardIds.Compare(a.Fact, at.Award, at.Rule.Value, b.Fact, bt.Award, bt.Rule.Value);
    }

    public int CompareTo(DateOnly date, string? fact, string? award, string rule)
    {
        var c = Date.CompareTo(date);
        if (c != 0) return c;
        var terms = Terms;
        return AwardIds.Compare(Fact, terms.Award, terms.Rule.Value, fact, award, rule);
    }

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
