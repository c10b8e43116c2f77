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

    /// Points as a line keeps them: in cents (at most two decimals, within ±1,000,000).
    public static int CentsOf(Points points) => (int)(points.Value * 100m);

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
/// scorer never writes, or any line once the terms table is full) or whose fact is not among its year's
/// facts: fact and terms in an object, kept in the year's list of loose lines.
internal sealed class LooseLine(string? fact, LineTerms terms)
{
    public string? Fact { get; } = fact;
    public LineTerms Terms { get; } = terms;
}

/// One ledger line as the member year keeps it: 8 bytes inline in the year's array, no reference of its
/// own (so the array is also nothing for the GC to trace): the date, the number of its terms and where
/// its fact sits in the year's facts (which are never removed, only inserted: the year moves the
/// positions along when a fact is inserted before them). A line that cannot be numbered so points at a
/// loose line of the year instead. Read through <see cref="YearLine"/>, which knows the year.
///
/// Bits: 0–21 the day number (DateOnly.MaxValue is 3,652,058 &lt; 2^22); then either 21 bits of terms
/// number and 20 bits of fact slot (0: no fact, else its index + 1), or, with bit 63 set, the index of
/// the loose line.
internal readonly struct LedgerLine
{
    private const int TermsShift = 22;
    private const int SlotShift = 43;
    private const ulong DayMask = (1UL << TermsShift) - 1;
    private const ulong TermsMask = (1UL << 21) - 1;
    private const ulong SlotMask = (1UL << 20) - 1;
    private const ulong LooseFlag = 1UL << 63;
    private const ulong LooseMask = (1UL << (63 - TermsShift)) - 1;

    /// Slots above this fall back to a loose line (a year of over a million facts for one member).
    public const int MaxSlot = (int)SlotMask;

    private readonly ulong _bits;

    private LedgerLine(ulong bits) => _bits = bits;

    public static LedgerLine Numbered(DateOnly date, int terms, int slot) =>
        new((uint)date.DayNumber | (ulong)(uint)terms << TermsShift | (ulong)(uint)slot << SlotShift);

    public static LedgerLine Loose(DateOnly date, int index) => new((uint)date.DayNumber | (ulong)(uint)index << TermsShift | LooseFlag);

    public DateOnly Date => DateOnly.FromDayNumber((int)(_bits & DayMask));
    public bool IsLoose => (_bits & LooseFlag) != 0;
    public int TermsNumber => (int)(_bits >> TermsShift & TermsMask);

    /// 0: the line has no fact; otherwise the fact's index in the year's facts + 1.
    public int Slot => IsLoose ? 0 : (int)(_bits >> SlotShift & SlotMask);

    public int LooseIndex => (int)(_bits >> TermsShift & LooseMask);

    /// The same line after a fact was inserted at <paramref name="at"/> in the year's facts.
    public LedgerLine AfterInsertAt(int at) => Slot > at ? new(_bits + (1UL << SlotShift)) : this;

    public LedgerLine WithLooseIndex(int index) => Loose(Date, index);
}

/// A ledger line read in its year (the year holds the facts the line points at and its loose lines).
internal readonly struct YearLine(MemberYear year, LedgerLine line)
{
    public LineTerms Terms => line.IsLoose ? year.Loose[line.LooseIndex].Terms : Interned.TermsAt(line.TermsNumber);
    public DateOnly Date => line.Date;
    public string? CapNote => Terms.CapNote;

    public string? Fact => line.IsLoose ? year.Loose[line.LooseIndex].Fact : line.Slot is var slot and > 0 ? year.Facts[slot - 1].Id : null;

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

    public LedgerEntry ToEntry()
    {
        var terms = Terms;
        return new(AwardId, Fact is { } fact ? new FactId(fact) : null, terms.Rule, terms.Version, terms.Category, Date, Requested, Granted, CapNote);
    }

    public bool SameAs(in YearLine other) =>
        Date == other.Date && Terms.SameAs(other.Terms) && string.Equals(Fact, other.Fact, StringComparison.Ordinal);

    /// Allocation order of a year: date, then award id (ordinal).
    public int CompareTo(DateOnly date, string? fact, string? award, string rule)
    {
        var c = Date.CompareTo(date);
        if (c != 0) return c;
        var terms = Terms;
        return AwardIds.Compare(Fact, terms.Award, terms.Rule.Value, fact, award, rule);
    }
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
