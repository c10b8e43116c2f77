using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

/// One year of a member: its facts, ordered by fact id (so the id is found by binary search and the
/// facts double as the record of ids seen), and its ledger lines in allocation order (date, award id).
/// Immutable: evolving copies the one array that changes (tens of items, cheaper and far smaller than
/// a tree of immutable nodes).
internal sealed class MemberYear(int year, YearFact[] facts, LedgerLine[] lines)
{
    public static MemberYear Empty(int year) => new(year, [], []);

    public int Year { get; } = year;
    public YearFact[] Facts { get; } = facts;
    public LedgerLine[] Lines { get; } = lines;

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
        var facts = new YearFact[Facts.Length + 1];
        Array.Copy(Facts, facts, at);
        facts[at] = fact;
        Array.Copy(Facts, at, facts, at + 1, Facts.Length - at);
        return new MemberYear(Year, facts, Lines);
    }

    /// The line with this award id, or -1. Lines are looked up by date first; an id under another date
    /// is still found (the ledger is keyed by award id within the year).
    public int IndexOfLine(DateOnly date, string? fact, string? award, string rule)
    {
        int lo = 0, hi = Lines.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = Lines[mid].CompareTo(date, fact, award, rule);
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
            if (Lines[i].HasAwardId(awardId)) return i;
        return -1;
    }

    public MemberYear WithLine(LedgerLine line, int replacing)
    {
        var lines = Lines;
        if (replacing >= 0) lines = Without(lines, replacing);
        var lo = 0;
        var hi = lines.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (LedgerLine.Compare(lines[mid], line) <= 0) lo = mid + 1; else hi = mid;
        }
        var result = new LedgerLine[lines.Length + 1];
        Array.Copy(lines, result, lo);
        result[lo] = line;
        Array.Copy(lines, lo, result, lo + 1, lines.Length - lo);
        return new MemberYear(Year, Facts, result);
    }

    public MemberYear WithoutLine(int at) => new(Year, Facts, Without(Lines, at));

    private static LedgerLine[] Without(LedgerLine[] lines, int at)
    {
        var result = new LedgerLine[lines.Length - 1];
        Array.Copy(lines, result, at);
        Array.Copy(lines, at + 1, result, at, lines.Length - at - 1);
        return result;
    }
}
