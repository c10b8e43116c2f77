using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

/// One year of a member: its facts, ordered by fact id (so the id is found by binary search and the
/// facts double as the record of ids seen), and its ledger lines in allocation order (date, award id),
/// which point at their facts by position (see <see cref="LedgerLine"/>); the few lines that cannot,
/// in a list of loose lines. Immutable: evolving copies the arrays that change (tens of items, cheaper
/// and far smaller than a tree of immutable nodes).
internal sealed class MemberYear
{
    private MemberYear(int year, YearFact[] facts, LedgerLine[] lines, LooseLine[] loose)
    {
        Year = year;
        Facts = facts;
        Lines = lines;
        Loose = loose;
    }

    public static MemberYear Empty(int year) => new(year, [], [], []);

    public int Year { get; }
    public YearFact[] Facts { get; }
    public LedgerLine[] Lines { get; }

    /// The lines kept as objects (see <see cref="LooseLine"/>); only those the lines point at.
    public LooseLine[] Loose { get; }

    public YearLine Line(int at) => new(this, Lines[at]);

    public IEnumerable<LedgerEntry> Entries()
    {
        for (var i = 0; i < Lines.Length; i++) yield return Line(i).ToEntry();
    }

    public int IndexOfFact(string id)
    {
        int lo = 0, hi = Facts.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = string.CompareOrdinal(Facts[mid].Id, id);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return ~lo;
    }

    public MemberYear WithFact(in YearFact fact)
    {
        // After any fact with the same id (a stream may hold one twice), so replay keeps arrival order among equals.
        var at = IndexOfFact(fact.Id);
        if (at < 0) at = ~at;
        while (at < Facts.Length && string.CompareOrdinal(Facts[at].Id, fact.Id) == 0) at++;
        return new MemberYear(Year, SortedArrays.Inserted(Facts, at, fact), LinesAfterInsertAt(at), Loose);
    }

    // Lines pointing at facts from `at` on point one further; the array is copied only when one does
    // (facts mostly arrive in id order, so they are appended).
    private LedgerLine[] LinesAfterInsertAt(int at)
    {
        for (var i = 0; i < Lines.Length; i++)
        {
            if (Lines[i].Slot <= at) continue;
            var lines = (LedgerLine[])Lines.Clone();
            for (var j = i; j < lines.Length; j++) lines[j] = lines[j].AfterInsertAt(at);
            return lines;
        }
        return Lines;
    }

    /// The line with this award id, or -1. Lines are looked up by date first; an id under another date
    /// is still found (the ledger is keyed by award id within the year).
    public int IndexOfLine(DateOnly date, string? fact, string? award, string rule)
    {
        int lo = 0, hi = Lines.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = Line(mid).CompareTo(date, fact, award, rule);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }

    public int IndexOfLine(DateOnly date, string awardId)
    {
        var at = IndexOfLine(date, null, awardId, "");
        if (at >= 0) return at;
        for (var i = 0; i < Lines.Length; i++)
            if (Line(i).HasAwardId(awardId)) return i;
        return -1;
    }

    /// The year with this line, replacing the line at <paramref name="replacing"/> (or none: -1). Points
    /// are kept in cents (at most two decimals, within ±1,000,000). The award id of a fact's line is
    /// "{fact}/{rule}" and is not stored.
    public MemberYear WithLine(string? fact, string awardId, RuleId rule, RuleSetVersion version, string category, DateOnly date,
        Points requested, Points granted, string? capNote, int replacing)
    {
        var award = fact is not null && AwardIds.Derived(awardId, fact, rule.Value) ? null : awardId;
        var slot = 0;
        if (fact is not null)
        {
            var at = IndexOfFact(fact);
            slot = at is >= 0 and < LedgerLine.MaxSlot ? at + 1 : -1;
            if (at >= 0) fact = Facts[at].Id; // the string the fact holds (an award read from the log carries a copy)
        }
        // A fact's line with an id of its own would fill the table with one-off terms.
        var terms = slot < 0 || (fact is not null && award is not null)
            ? -1
            : Interned.TermsNumber(rule, version, category, LineTerms.CentsOf(requested), LineTerms.CentsOf(granted), capNote, award);
        var loose = Loose;
        LedgerLine line;
        if (terms >= 0)
        {
            line = LedgerLine.Numbered(date, terms, slot);
        }
        else
        {
            line = LedgerLine.Loose(date, loose.Length);
            loose = [.. loose, new LooseLine(fact, new LineTerms(rule, version, category, LineTerms.CentsOf(requested), LineTerms.CentsOf(granted), capNote, award))];
        }

        var lines = Lines;
        if (replacing >= 0) lines = SortedArrays.Removed(lines, replacing);
        var lo = 0;
        var hi = lines.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (new YearLine(this, lines[mid]).CompareTo(date, fact, award, rule.Value) <= 0) lo = mid + 1; else hi = mid;
        }
        return Of(SortedArrays.Inserted(lines, lo, line), loose);
    }

    public MemberYear Corrected(int at, RuleSetVersion version, Points requested, Points granted, string? capNote)
    {
        var old = Line(at);
        var terms = old.Terms;
        return WithLine(old.Fact, old.AwardId, terms.Rule, version, terms.Category, old.Date, requested, granted, capNote, replacing: at);
    }

    public MemberYear WithoutLine(int at) => Of(SortedArrays.Removed(Lines, at), Loose);

    // A year over freshly built lines; loose lines no line points at any more are dropped (and the
    // others renumbered), so a year keeps only what its lines need.
    private MemberYear Of(LedgerLine[] lines, LooseLine[] loose)
    {
        if (loose.Length == 0) return new MemberYear(Year, Facts, lines, loose);
        var used = 0;
        foreach (var line in lines)
            if (line.IsLoose) used++;
        if (used < loose.Length)
        {
            var kept = new LooseLine[used];
            var k = 0;
            for (var i = 0; i < lines.Length; i++)
            {
                if (!lines[i].IsLoose) continue;
                kept[k] = loose[lines[i].LooseIndex];
                lines[i] = lines[i].WithLooseIndex(k++);
            }
            loose = kept;
        }
        return new MemberYear(Year, Facts, lines, loose);
    }

}
