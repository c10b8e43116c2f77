using System.Collections.Immutable;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Calendar;

/// Which years are closed (年度结账: appraisal done, ledgers final). Evolved from YearClosed and
/// YearReopened in log order; a closed year rejects new facts and freezes its ledgers (law 7).
public sealed record OrganisationCalendar(ImmutableSortedSet<int> ClosedYears)
{
    public static readonly OrganisationCalendar AllOpen = new(ImmutableSortedSet<int>.Empty);

    public static OrganisationCalendar Evolve(OrganisationCalendar calendar, IFact fact) => fact switch
    {
        YearClosed c => calendar with { ClosedYears = calendar.ClosedYears.Add(c.Year) },
        YearReopened r => calendar with { ClosedYears = calendar.ClosedYears.Remove(r.Year) },
        _ => calendar,
    };

    public bool IsClosed(int year) => ClosedYears.Contains(year);

    /// Null when the fact may be recorded; otherwise the reason it may not.
    public Rejection? Check(FactId fact, DateOnly occurredOn) =>
        IsClosed(occurredOn.Year)
            ? new Rejection(
                "year-closed",
                $"{occurredOn.Year} 年度已关闭，发生于 {occurredOn:yyyy-MM-dd} 的事实 {fact} 不能登记或撤销；请先重新开放该年度。",
                $"The year {occurredOn.Year} is closed: fact {fact} dated {occurredOn:yyyy-MM-dd} cannot be recorded or revoked until the year is reopened.")
            : null;

    public bool Equals(OrganisationCalendar? other) => other is not null && ClosedYears.SetEquals(other.ClosedYears);

    public override int GetHashCode() => ClosedYears.Count;
}
