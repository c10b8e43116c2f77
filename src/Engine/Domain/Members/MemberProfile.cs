using System.Collections.Immutable;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

/// What the rules need to know about the member on a given date.
public readonly record struct MemberAsOf(
    MemberStatus Status, MemberCategory Category, BranchId? Branch, bool Enrolled, bool Left, PartyGroupId? Group = null);

/// The member's organisational history, kept in date order so that a category change dated in March
/// affects March's facts even when it is recorded in June. An array: a member has a handful of changes
/// (an enrolment, now and then a transfer), and a list's tree costs 48 bytes a change more.
public sealed record MemberProfile(string? Name, ImmutableArray<IMemberEvent> Changes)
{
    public static readonly MemberProfile Unknown = new(null, []);

    public MemberProfile With(IMemberEvent change)
    {
        var (date, id) = Key(change);
        var index = 0;
        while (index < Changes.Length && Compare(Key(Changes[index]), (date, id)) <= 0) index++;
        return this with
        {
            Name = change is MemberEnrolled e ? e.Name : Name,
            Changes = Changes.Insert(index, change),
        };
    }

    /// Before any enrolment is known the member counts as a full, regular member: facts may reach
    /// the member before the enrolment does, and the diff corrects them once it arrives.
    public MemberAsOf On(DateOnly date) => On(date, ImmutableHashSet<FactId>.Empty);

    /// As on the date, ignoring revoked changes (a category change recorded by mistake).
    public MemberAsOf On(DateOnly date, ImmutableHashSet<FactId> revoked)
    {
        var snapshot = new MemberAsOf(MemberStatus.Full, MemberCategory.Regular, null, Enrolled: false, Left: false);
        foreach (var change in Changes)
        {
            if (Key(change).Date > date) break;
            if (revoked.Count > 0 && change is Facts.IFact f && revoked.Contains(f.FactId)) continue;
            snapshot = change switch
            {
                MemberEnrolled e => new MemberAsOf(e.Status, e.Category, e.Branch, Enrolled: true, Left: false, e.Group),
                MemberTransferred t => snapshot with { Branch = t.ToBranch, Group = t.ToGroup },
                MemberCategoryChanged c => snapshot with { Category = c.Category },
                MemberStatusChanged s => snapshot with { Status = s.Status },
                MemberLeft => snapshot with { Left = true },
                _ => snapshot,
            };
        }
        return snapshot;
    }

    // Loops rather than LINQ: MemberDuring runs on every decision (the base score), and OfType over the
    // immutable list allocated ~370 bytes per call (issue #7).
    public DateOnly? EnrolledOn
    {
        get
        {
            foreach (var change in Changes)
                if (change is MemberEnrolled e) return e.OccurredOn;
            return null;
        }
    }

    public DateOnly? LeftOn
    {
        get
        {
            DateOnly? left = null;
            foreach (var change in Changes)
                if (change is MemberLeft l) left = l.OccurredOn;
            return left;
        }
    }

    public bool Holds(FactId change) => Changes.Any(c => c is Facts.IFact f && f.FactId == change);

    /// Whether the member belongs to the organisation at some time in the year (gets the base score).
    public bool MemberDuring(int year)
    {
        if (EnrolledOn is { } enrolled && enrolled.Year > year) return false;
        if (LeftOn is { } left && left.Year < year) return false;
        return true;
    }

    public bool Equals(MemberProfile? other) =>
        other is not null && Name == other.Name && Changes.SequenceEqual(other.Changes);

    public override int GetHashCode() => HashCode.Combine(Name, Changes.Length);

    private static (DateOnly Date, string Id) Key(IMemberEvent change) => change switch
    {
        Facts.IFact f => (f.OccurredOn, f.FactId.Value),
        _ => (DateOnly.MinValue, ""),
    };

    private static int Compare((DateOnly Date, string Id) a, (DateOnly Date, string Id) b)
    {
        var byDate = a.Date.CompareTo(b.Date);
        return byDate != 0 ? byDate : string.CompareOrdinal(a.Id, b.Id);
    }
}
