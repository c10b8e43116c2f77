using System.Collections.Immutable;
using PointsEngine.Domain.Calendar;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Scoring;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

/// The member aggregate's pure functions. The actor host calls Decide, persists the events, then
/// folds them with Evolve; recovery folds the stream with the same Evolve.
public static class MemberScoring
{
    public static MemberState Initial(MemberId member) => new(
        member,
        MemberProfile.Unknown,
        ImmutableDictionary<FactId, DateOnly>.Empty,
        ImmutableHashSet<FactId>.Empty,
        ImmutableSortedSet<int>.Empty,
        ImmutableDictionary<int, ImmutableList<MemberFact>>.Empty,
        ImmutableDictionary<int, ImmutableDictionary<string, LedgerEntry>>.Empty);

    public static MemberState Evolve(MemberState state, IMemberEvent @event) => @event switch
    {
        MemberFact f => state with
        {
            Seen = state.Seen.SetItem(f.FactId, f.OccurredOn),
            Years = state.Years.Add(f.OccurredOn.Year),
            FactsByYear = state.FactsByYear.SetItem(f.OccurredOn.Year, state.FactsIn(f.OccurredOn.Year).Add(f)),
        },
        RevocationRecorded r => state with
        {
            Seen = state.Seen.SetItem(r.FactId, r.OccurredOn),
            Revoked = state.Revoked.Add(r.Target),
        },
        MemberYearOpened y => state with { Years = state.Years.Add(y.Year) },
        PointsAwarded a => WithLine(state, new LedgerEntry(a.AwardId, a.FactId, a.Rule, a.Version, a.Category, a.OccurredOn, a.Requested, a.Granted, a.CapNote)),
        PointsCorrected c => state.LedgerIn(c.OccurredOn.Year).TryGetValue(c.AwardId, out var line)
            ? WithLine(state, line with { Version = c.NewVersion, Requested = c.NewRequested, Granted = c.NewGranted, CapNote = c.CapNote })
            : state,
        PointsReverted r => state with
        {
            Ledger = state.Ledger.SetItem(r.OccurredOn.Year, state.LedgerIn(r.OccurredOn.Year).Remove(r.AwardId)),
        },
        IFact change => state with
        {
            // Organisation changes: MemberEnrolled, MemberTransferred, MemberLeft, MemberCategoryChanged, MemberStatusChanged.
            Seen = state.Seen.SetItem(change.FactId, change.OccurredOn),
            Profile = state.Profile.With(@event),
            Years = change is MemberEnrolled ? state.Years.Add(change.OccurredOn.Year) : state.Years,
        },
        _ => state,
    };

    public static MemberState Rebuild(MemberId member, IEnumerable<IMemberEvent> stream) =>
        stream.Aggregate(Initial(member), Evolve);

    private static MemberState WithLine(MemberState state, LedgerEntry line) => state with
    {
        Ledger = state.Ledger.SetItem(line.OccurredOn.Year, state.LedgerIn(line.OccurredOn.Year).SetItem(line.AwardId, line)),
    };

    public static Decision Decide(MemberState state, MemberCommand command, RuleBook rules) =>
        Decide(state, command, rules, OrganisationCalendar.AllOpen);

    public static Decision Decide(MemberState state, MemberCommand command, RuleBook rules, OrganisationCalendar calendar)
    {
        if (command.Member != state.Member)
            return Reject("wrong-member", $"命令属于党员 {command.Member}，不属于 {state.Member}。", $"The command is for member {command.Member}, not {state.Member}.");

        switch (command)
        {
            case ScoreFact { Fact: var fact }:
                if (state.Seen.ContainsKey(fact.FactId)) return Decision.Nothing; // re-delivery (law 3)
                if (calendar.Check(fact.FactId, fact.OccurredOn) is { } closed) return new Rejected(closed);
                if (Invalid(fact) is { } invalid) return new Rejected(invalid);
                if (state.Profile.On(fact.OccurredOn, state.Revoked).Left && state.Profile.LeftOn is { } left && fact.OccurredOn > left)
                    return Reject("member-left", $"党员 {state.Member} 已于 {left:yyyy-MM-dd} 离开组织，不能登记其后发生的事实 {fact.FactId}。",
                        $"Member {state.Member} left on {left:yyyy-MM-dd}; fact {fact.FactId} dated {fact.OccurredOn:yyyy-MM-dd} cannot be scored.");
                return Rescore(state, fact, [fact.OccurredOn.Year], rules, $"fact {fact.FactId} recorded");

            case RevokeFact { Revocation: var revocation }:
                if (state.Seen.ContainsKey(revocation.FactId)) return Decision.Nothing;
                int[] years = [];
                if (state.Seen.TryGetValue(revocation.Target, out var targetDate))
                {
                    if (calendar.Check(revocation.Target, targetDate) is { } closedTarget) return new Rejected(closedTarget);
                    // A revoked membership change re-scores every open year from its date; a fact, its own year.
                    years = state.Profile.Holds(revocation.Target) ? OpenYearsFrom(state, targetDate.Year, calendar) : [targetDate.Year];
                }
                return Rescore(state, revocation, years, rules, $"fact {revocation.Target} revoked by {revocation.FactId}");

            case ApplyRuleBook apply:
                return Rescore(state, null, OpenYearsFrom(state, apply.EffectiveFrom.Year, calendar), rules,
                    $"rule set {apply.Published} published, effective {apply.EffectiveFrom:yyyy-MM-dd}");

            case RecordMembership { Change: var change }:
                if (change is not (MemberEnrolled or MemberTransferred or MemberLeft or MemberCategoryChanged or MemberStatusChanged) || change is not IFact orgFact)
                    return Reject("not-a-membership-change", $"{change.GetType().Name} 不是党员组织关系变化。", $"{change.GetType().Name} is not a membership change.");
                if (state.Seen.ContainsKey(orgFact.FactId)) return Decision.Nothing;
                return Rescore(state, change, OpenYearsFrom(WithEnrolmentYear(state, change), orgFact.OccurredOn.Year, calendar), rules,
                    $"{change.GetType().Name} {orgFact.FactId}");

            case OpenYear open:
                if (state.Years.Contains(open.Year)) return Decision.Nothing;
                if (calendar.IsClosed(open.Year))
                    return Reject("year-closed", $"{open.Year} 年度已关闭。", $"The year {open.Year} is closed.");
                return Rescore(state, new MemberYearOpened(state.Member, open.Year), [open.Year], rules, $"year {open.Year} opened");

            default:
                return Reject("unknown-command", $"未知命令 {command.GetType().Name}。", $"Unknown command {command.GetType().Name}.");
        }
    }

    // An enrolment opens its year, so that year is scored (base score) along with the later ones.
    private static MemberState WithEnrolmentYear(MemberState state, IMemberEvent change) =>
        change is MemberEnrolled e ? state with { Years = state.Years.Add(e.OccurredOn.Year) } : state;

    private static int[] OpenYearsFrom(MemberState state, int fromYear, OrganisationCalendar calendar) =>
        [.. state.Years.Where(y => y >= fromYear && !calendar.IsClosed(y))];

    /// Accept the event (if any), recompute the affected years, and emit the difference between the
    /// ledger in state and the recomputed one.
    private static Decision Rescore(MemberState state, IMemberEvent? accepted, IReadOnlyList<int> years, RuleBook rules, string cause)
    {
        var events = new List<IMemberEvent>();
        if (accepted is not null)
        {
            events.Add(accepted);
            state = Evolve(state, accepted);
        }
        foreach (var year in years) Diff(state, year, YearScorer.Lines(state, year, rules), cause, events);
        return new Accepted(events);
    }

    private static void Diff(MemberState state, int year, List<ScoredLine> computed, string cause, List<IMemberEvent> events)
    {
        var current = state.LedgerIn(year);
        var matched = 0;
        foreach (var line in computed)
        {
            if (!current.TryGetValue(line.AwardId, out var old))
            {
                events.Add(new PointsAwarded(state.Member, line.AwardId, line.Fact, line.Rule, line.Version, line.Category, line.Date,
                    line.Requested, line.Granted, line.CapNote, cause));
                continue;
            }
            matched++;
            if (old.Granted != line.Granted || old.Requested != line.Requested)
            {
                // Same points under a newer version are not a change: the earlier decision stands.
                events.Add(new PointsCorrected(state.Member, line.AwardId, line.Fact, line.Rule, line.Category, line.Date,
                    old.Version, line.Version, old.Requested, line.Requested, old.Granted, line.Granted, line.CapNote, cause));
            }
        }
        if (matched == current.Count) return; // every line still stands: nothing to revert

        var keep = new HashSet<string>(computed.Count, StringComparer.Ordinal);
        foreach (var line in computed) keep.Add(line.AwardId);
        foreach (var old in current.Values.OrderBy(l => l.OccurredOn).ThenBy(l => l.AwardId, StringComparer.Ordinal))
        {
            if (keep.Contains(old.AwardId)) continue;
            events.Add(new PointsReverted(state.Member, old.AwardId, old.FactId, old.Rule, old.Version, old.Category, old.OccurredOn, old.Granted, cause));
        }
    }

    private static Rejection? Invalid(MemberFact fact) => fact switch
    {
        VolunteerServiceRecorded { Hours: <= 0 or > 24 } v => new Rejection("invalid-hours",
            $"志愿服务时长必须大于 0 且不超过 24 小时（事实 {v.FactId}：{v.Hours}）。",
            $"Volunteer hours must be more than 0 and at most 24 (fact {v.FactId}: {v.Hours})."),
        _ => null,
    };

    private static Rejected Reject(string code, string chinese, string english) => new(new Rejection(code, chinese, english));
}
