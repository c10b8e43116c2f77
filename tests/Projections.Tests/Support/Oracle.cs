using PointsEngine.Domain.Appraisal;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;
using PointsEngine.Store;

namespace PointsEngine.Projections.Tests.Support;

/// The read models computed as naively as possible straight from the raw log: every member's stream
/// folded with the domain's own Evolve, then sums over days. No SQL, no periods table, no projection
/// code. The laws compare the projections' answers with these.
public sealed class Oracle
{
    private Oracle(Dictionary<MemberId, MemberState> members, List<(long Position, IMemberEvent Event)> decisions, List<IFact> facts)
    {
        Members = members;
        Decisions = decisions;
        Facts = facts;
    }

    public Dictionary<MemberId, MemberState> Members { get; }
    public List<(long Position, IMemberEvent Event)> Decisions { get; }
    public List<IFact> Facts { get; }

    public static async Task<Oracle> ReadAsync(IEventStore store, EventSerializer serializer)
    {
        var members = new Dictionary<MemberId, MemberState>();
        var decisions = new List<(long, IMemberEvent)>();
        var facts = new List<IFact>();
        await foreach (var e in store.ReadAllAsync(LogPosition.Start))
        {
            var payload = serializer.Deserialize(e);
            if (e.Stream.Value.StartsWith("member-", StringComparison.Ordinal) && payload is IMemberEvent me)
            {
                members[me.Member] = MemberScoring.Evolve(members.GetValueOrDefault(me.Member) ?? MemberScoring.Initial(me.Member), me);
                if (me is PointsAwarded or PointsCorrected or PointsReverted) decisions.Add((e.Position.Value, me));
            }
            else if (!e.Stream.Value.StartsWith("snapshot-", StringComparison.Ordinal) && payload is IFact f)
            {
                facts.Add(f);
            }
        }
        return new Oracle(members, decisions, facts);
    }

    private static IEnumerable<DateOnly> Days(DateOnly from, DateOnly to)
    {
        for (var d = from; d <= to; d = d.AddDays(1)) yield return d;
    }

    /// Competition ranking of everyone who was in scope on some day of the range; a line counts when the
    /// member was in scope on the line's date; status and category as on the last such day.
    public List<(int Rank, string Member, decimal Points)> Ranking(RankingQuery q, IReadOnlySet<BranchId> zoneBranches)
    {
        bool InScope(MemberAsOf on) => on.Enrolled && !on.Left && on.Branch is { } b && q.Scope switch
        {
            RankingScope.Organisation => true,
            RankingScope.Zone => zoneBranches.Contains(b),
            RankingScope.Branch => b.Value == q.ScopeId,
            _ => on.Group?.Value == q.ScopeId,
        };
        var rows = new List<(string Member, decimal Points)>();
        foreach (var (id, state) in Members)
        {
            var days = Days(q.From, q.To).Where(d => InScope(state.Profile.On(d, state.Revoked))).ToList();
            if (days.Count == 0) continue;
            var last = state.Profile.On(days[^1], state.Revoked);
            if (q.Status is { } s && last.Status != s || q.Category is { } c && last.Category != c) continue;
            var points = state.Ledger.Values.SelectMany(y => y.Values)
                .Where(l => l.OccurredOn >= q.From && l.OccurredOn <= q.To && InScope(state.Profile.On(l.OccurredOn, state.Revoked)))
                .Sum(l => l.Granted.Value);
            rows.Add((id.Value, points));
        }
        var ordered = rows.OrderByDescending(r => r.Points).ThenBy(r => r.Member, StringComparer.Ordinal).ToList();
        return [.. ordered.Select(r => (ordered.FindIndex(x => x.Points == r.Points) + 1, r.Member, r.Points))];
    }

    /// Standing.Of for every member whose year ended in the branch, appraised together.
    public List<(Standing Standing, AppraisalResult? Result)> BranchAppraisal(BranchId branch, int year, AppraisalScheme? scheme)
    {
        var standings = Members.Values
            .Where(s => s.Profile.MemberDuring(year) && s.Profile.EnrolledOn is { } e && e.Year <= year)
            .Select(s => Standing.Of(s, year, scheme?.AbsenceExemptCategories))
            .Where(s => s.Branch == branch)
            .OrderBy(s => s.Member.Value, StringComparer.Ordinal)
            .ToList();
        if (scheme is null) return [.. standings.Select(s => (s, (AppraisalResult?)null))];
        var results = YearEndAppraisal.Appraise(scheme, standings).ToDictionary(r => r.Member);
        return [.. standings.Select(s => (s, (AppraisalResult?)results[s.Member]))];
    }

    /// Every award, correction and reversion of the member's year: (date, change, award id, granted after).
    public List<(DateOnly Date, string Change, string AwardId, decimal Granted)> History(MemberId member, int year) =>
        [.. Decisions.Where(d => d.Event.Member == member)
            .Select(d => (d.Position, Line: d.Event switch
            {
                PointsAwarded a => (a.OccurredOn, "awarded", a.AwardId, a.Granted.Value),
                PointsCorrected c => (c.OccurredOn, "corrected", c.AwardId, c.NewGranted.Value),
                PointsReverted r => (r.OccurredOn, "reverted", r.AwardId, 0m),
                _ => throw new InvalidOperationException(),
            }))
            .Where(x => x.Line.OccurredOn.Year == year)
            .OrderBy(x => x.Line.OccurredOn).ThenBy(x => x.Position)
            .Select(x => x.Line)];

    /// Meetings the branch held per kind per month, revoked ones left out.
    public Dictionary<MeetingKind, int[]> Meetings(BranchId branch, int year)
    {
        var revoked = Facts.OfType<FactRevoked>().Select(r => r.Target).ToHashSet();
        return Enum.GetValues<MeetingKind>().ToDictionary(k => k, k => Enumerable.Range(1, 12)
            .Select(month => Facts.OfType<MeetingHeld>().Count(m => m.Branch == branch && m.Kind == k && m.OccurredOn.Year == year
                && m.OccurredOn.Month == month && !revoked.Contains(m.FactId)))
            .ToArray());
    }
}
