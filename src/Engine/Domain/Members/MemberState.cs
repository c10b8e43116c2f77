using System.Collections;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

/// Everything Decide needs about one member, rebuilt from the member's stream alone. The ledger is
/// kept per year because scoring, caps and the base score reset each year.
///
/// Compact, because a million of them may be resident: per year one array of facts (ordered by id, so
/// they are also the record of fact ids seen: idempotency is a check on state) and one array of ledger
/// lines stored inline (see <see cref="LedgerLine"/>); ids of revocations and membership changes, which
/// are few, in a small array of their own. Readers get the usual shapes (facts, ledger entries) built
/// on demand.
public sealed record MemberState
{
    internal MemberState(MemberId member, MemberProfile profile, ImmutableArray<SeenFact> otherSeen, ImmutableHashSet<FactId> revoked,
        int[] years, ImmutableArray<MemberYear> byYear)
    {
        Member = member;
        Profile = profile;
        OtherSeen = otherSeen;
        Revoked = revoked;
        YearList = years;
        ByYear = byYear;
    }

    public MemberId Member { get; init; }
    public MemberProfile Profile { get; init; }
    public ImmutableHashSet<FactId> Revoked { get; init; }

    /// The years the member's ledger is open in (enrolment, facts, years opened).
    public ImmutableSortedSet<int> Years => ImmutableSortedSet.Create(YearList);

    /// <see cref="Years"/> as the state keeps them: ascending, in a plain array never written after it is built
    /// (a handful of years; a sorted set would cost some 48 bytes a year more).
    internal int[] YearList { get; init; }

    internal bool HasYear(int year) => Array.BinarySearch(YearList, year) >= 0;

    internal MemberState WithYearOpen(int year)
    {
        var at = Array.BinarySearch(YearList, year);
        if (at >= 0) return this;
        return this with { YearList = SortedArrays.Inserted(YearList, ~at, year) };
    }

    /// Ids (and dates) of accepted revocations, ordered by id. Member facts' ids are their facts', and
    /// membership changes' are the profile's.
    internal ImmutableArray<SeenFact> OtherSeen { get; init; }

    /// Years holding facts or ledger lines, ascending.
    internal ImmutableArray<MemberYear> ByYear { get; init; }

    /// The year's facts, ordered by id (records built when read: the state keeps them compact).
    public ImmutableArray<MemberFact> FactsIn(int year) => YearOf(year) is { } y ? FactsOf(y) : [];

    public IReadOnlyDictionary<int, ImmutableArray<MemberFact>> FactsByYear =>
        ByYear.Where(y => y.Facts.Length > 0).ToDictionary(y => y.Year, FactsOf);

    private ImmutableArray<MemberFact> FactsOf(MemberYear year)
    {
        var facts = new MemberFact[year.Facts.Length];
        for (var i = 0; i < facts.Length; i++) facts[i] = year.Facts[i].ToFact(Member);
        return ImmutableCollectionsMarshal.AsImmutableArray(facts);
    }

    public YearLedger LedgerIn(int year) => new(YearOf(year));

    public IReadOnlyDictionary<int, YearLedger> Ledger =>
        ByYear.Where(y => y.Lines.Length > 0).ToDictionary(y => y.Year, y => new YearLedger(y));

    /// The year's ledger lines in the order they were allocated (date, then award id).
    public IReadOnlyList<LedgerEntry> LinesIn(int year) => [.. LedgerIn(year).Values];

    public Points TotalIn(int year) => Total(year, null);

    public Points TotalIn(int year, string category) => Total(year, category);

    private Points Total(int year, string? category)
    {
        long cents = 0;
        if (YearOf(year) is { } y)
        {
            for (var i = 0; i < y.Lines.Length; i++)
                if (y.Line(i).Terms is var terms && (category is null || terms.Category == category)) cents += terms.GrantedCents;
        }
        return new Points(cents / 100m);
    }

    public bool IsActive(MemberFact fact) => !Revoked.Contains(fact.FactId);

    internal bool IsActive(in YearFact fact) => !Revoked.Contains(fact.FactId);

    /// Whether the member accepted a fact, revocation or membership change with this id (law 3).
    public bool HasSeen(FactId id) => SeenOn(id) is not null;

    /// The date of the accepted fact, revocation or membership change with this id.
    public DateOnly? SeenOn(FactId id)
    {
        var other = IndexOfOther(OtherSeen, id.Value);
        if (other >= 0) return OtherSeen[other].OccurredOn;
        foreach (var year in ByYear)
        {
            var at = year.IndexOfFact(id.Value);
            if (at >= 0) return year.Facts[at].OccurredOn;
        }
        foreach (var change in Profile.Changes)
            if (change is Facts.IFact f && f.FactId == id) return f.OccurredOn;
        return null;
    }

    /// Every id seen with its date, ordered by id.
    public IEnumerable<SeenFact> Seen =>
        ByYear.SelectMany(y => y.Facts.Select(f => new SeenFact(f.FactId, f.OccurredOn)))
            .Concat(Profile.Changes.OfType<Facts.IFact>().Select(f => new SeenFact(f.FactId, f.OccurredOn)))
            .Concat(OtherSeen)
            .GroupBy(s => s.Fact)
            .Select(g => g.Last())
            .OrderBy(s => s.Fact.Value, StringComparer.Ordinal);

    internal MemberYear? YearOf(int year)
    {
        foreach (var y in ByYear)
            if (y.Year == year) return y;
        return null;
    }

    internal MemberState WithYear(MemberYear year)
    {
        for (var i = 0; i < ByYear.Length; i++)
        {
            if (ByYear[i].Year == year.Year) return this with { ByYear = ByYear.SetItem(i, year) };
            if (ByYear[i].Year > year.Year) return this with { ByYear = ByYear.Insert(i, year) };
        }
        return this with { ByYear = ByYear.Add(year) };
    }

    internal MemberState WithOtherSeen(FactId id, DateOnly date)
    {
        var at = IndexOfOther(OtherSeen, id.Value);
        var seen = new SeenFact(id, date);
        return this with { OtherSeen = at >= 0 ? OtherSeen.SetItem(at, seen) : OtherSeen.Insert(~at, seen) };
    }

    private static int IndexOfOther(ImmutableArray<SeenFact> seen, string id)
    {
        int lo = 0, hi = seen.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = string.CompareOrdinal(seen[mid].Fact.Value, id);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return ~lo;
    }

    // Structural equality, so "state rebuilt from the stream equals the live state" (law 4) is a
    // plain Assert.Equal and a snapshot can be checked against a replay.
    public bool Equals(MemberState? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (Member != other.Member || !Profile.Equals(other.Profile) || !Revoked.SetEquals(other.Revoked) || !YearList.AsSpan().SequenceEqual(other.YearList)
            || !OtherSeen.SequenceEqual(other.OtherSeen))
            return false;
        var mine = ByYear.Where(y => y.Facts.Length > 0 || y.Lines.Length > 0).ToList();
        var theirs = other.ByYear.Where(y => y.Facts.Length > 0 || y.Lines.Length > 0).ToList();
        if (mine.Count != theirs.Count) return false;
        for (var i = 0; i < mine.Count; i++)
        {
            var (a, b) = (mine[i], theirs[i]);
            if (a.Year != b.Year || a.Facts.Length != b.Facts.Length || a.Lines.Length != b.Lines.Length) return false;
            for (var f = 0; f < a.Facts.Length; f++)
                if (!a.Facts[f].SameAs(b.Facts[f])) return false;
            for (var l = 0; l < a.Lines.Length; l++)
                if (!a.Line(l).SameAs(b.Line(l))) return false;
        }
        return true;
    }

    public override int GetHashCode() => HashCode.Combine(Member, ByYear.Length, OtherSeen.Length);
}

/// A year's ledger keyed by award id, read from the compact lines (entries are built when read).
public readonly struct YearLedger : IReadOnlyDictionary<string, LedgerEntry>
{
    private readonly MemberYear? _year;

    internal YearLedger(MemberYear? year) => _year = year;

    public int Count => _year?.Lines.Length ?? 0;

    public LedgerEntry this[string key] =>
        TryGetValue(key, out var entry) ? entry : throw new KeyNotFoundException($"No ledger line {key}.");

    /// Entries in allocation order (date, award id).
    public IEnumerable<LedgerEntry> Values => _year?.Entries() ?? [];

    public IEnumerable<string> Keys
    {
        get
        {
            var year = _year;
            return year is null ? [] : Enumerable.Range(0, year.Lines.Length).Select(i => year.Line(i).AwardId);
        }
    }

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out LedgerEntry value)
    {
        for (var i = 0; i < Count; i++)
        {
            var line = _year!.Line(i);
            if (!line.HasAwardId(key)) continue;
            value = line.ToEntry();
            return true;
        }
        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, LedgerEntry>> GetEnumerator() =>
        Values.Select(e => KeyValuePair.Create(e.AwardId, e)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
