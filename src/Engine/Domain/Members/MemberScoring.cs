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
    private static readonly MemberProfile NoProfile = MemberProfile.Unknown;

    public static MemberState Initial(MemberId member) => new(
        member, NoProfile, [], ImmutableHashSet<FactId>.Empty, [], []);

    public static MemberState Evolve(MemberState state, IMemberEvent @event) => @event switch
    {
        MemberFact f => WithFact(state, f),
        RevocationRecorded r => state.WithOtherSeen(r.FactId, r.OccurredOn) with { Revoked = state.Revoked.Add(r.Target) },
        MemberYearOpened y => state.WithYearOpen(y.Year),
        PointsAwarded a => WithLine(state, a.AwardId, a.FactId, a.Rule, a.Version, a.Category, a.OccurredOn, a.Requested, a.Granted, a.CapNote),
        PointsCorrected c => Corrected(state, c),
        PointsReverted r => Reverted(state, r),
        // The profile keeps the change, and with it the change's id as seen.
        // Organisation changes: MemberEnrolled, MemberTransferred, MemberLeft, MemberCategoryChanged, MemberStatusChanged.
        IFact change => WithEnrolmentYear(state with { Profile = state.Profile.With(Kept(state, @event)) }, change),
        _ => state,
    };

    // An enrolment read from the log carries fresh copies of the member's and branch's ids: kept as the
    // state's own id and the pooled branch id, so a replayed state is as small as a live one.
    private static IMemberEvent Kept(MemberState state, IMemberEvent change) =>
        change is MemberEnrolled e && e.Member == state.Member
            ? e with { Member = state.Member, Branch = new BranchId(Interned.Text(e.Branch.Value)) }
            : change;

    public static MemberState Rebuild(MemberId member, IEnumerable<IMemberEvent> stream) =>
        stream.Aggregate(Initial(member), Evolve);

    internal static MemberState WithFact(MemberState state, MemberFact fact)
    {
        // The member's own id object (a fact read from the log carries a fresh copy); an attendance keeps no member at all.
        if (fact is not AttendanceRecorded && !ReferenceEquals(fact.Member.Value, state.Member.Value) && fact.Member == state.Member)
            fact = fact with { Member = state.Member };
        var year = fact.OccurredOn.Year;
        return state.WithYear((state.YearOf(year) ?? MemberYear.Empty(year)).WithFact(new YearFact(fact, pooled: true))).WithYearOpen(year);
    }

    internal static MemberState WithLine(MemberState state, LedgerEntry e) =>
        WithLine(state, e.AwardId, e.FactId, e.Rule, e.Version, e.Category, e.OccurredOn, e.Requested, e.Granted, e.CapNote);

    private static MemberState WithLine(MemberState state, string awardId, FactId? fact, RuleId rule, RuleSetVersion version, string category,
        DateOnly date, Points requested, Points granted, string? capNote)
    {
        var year = state.YearOf(date.Year) ?? MemberYear.Empty(date.Year);
        return state.WithYear(year.WithLine(fact?.Value, awardId, rule, version, category, date, requested, granted, capNote,
            replacing: year.IndexOfLine(date, awardId)));
    }

    private static MemberState Corrected(MemberState state, PointsCorrected c)
    {
        if (state.YearOf(c.OccurredOn.Year) is not { } year || year.IndexOfLine(c.OccurredOn, c.AwardId) is not (>= 0 and var at)) return state;
        return state.WithYear(year.Corrected(at, c.NewVersion, c.NewRequested, c.NewGranted, c.CapNote));
    }

    private static MemberState Reverted(MemberState state, PointsReverted r)
    {
        if (state.YearOf(r.OccurredOn.Year) is not { } year || year.IndexOfLine(r.OccurredOn, r.AwardId) is not (>= 0 and var at)) return state;
        return state.WithYear(year.WithoutLine(at));
    }

    public static Decision Decide(MemberState state, MemberCommand command, RuleBook rules) =>
        Decide(state, command, rules, OrganisationCalendar.AllOpen);

    public static Decision Decide(MemberState state, MemberCommand command, RuleBook rules, OrganisationCalendar calendar)
    {
        if (command.Member != state.Member)
            return Reject("wrong-member", $"命令属于党员 {command.Member}，不属于 {state.Member}。", $"The command is for member {command.Member}, not {state.Member}.");

        switch (command)
        {
            case ScoreFact { Fact: var fact }:
                if (state.HasSeen(fact.FactId)) return Decision.Nothing; // re-delivery (law 3)
                if (calendar.Check(fact.FactId, fact.OccurredOn) is { } closed) return new Rejected(closed);
                if (Invalid(fact) is { } invalid) return new Rejected(invalid);
                if (state.Profile.On(fact.OccurredOn, state.Revoked).Left && state.Profile.LeftOn is { } left && fact.OccurredOn > left)
                    return Reject("member-left", $"党员 {state.Member} 已于 {left:yyyy-MM-dd} 离开组织，不能登记其后发生的事实 {fact.FactId}。",
                        $"Member {state.Member} left on {left:yyyy-MM-dd}; fact {fact.FactId} dated {fact.OccurredOn:yyyy-MM-dd} cannot be scored.");
                return Rescore(state, fact, [fact.OccurredOn.Year], rules, $"fact {fact.FactId} recorded");

            case RevokeFact { Revocation: var revocation }:
                if (state.HasSeen(revocation.FactId)) return Decision.Nothing;
                int[] years = [];
                if (state.SeenOn(revocation.Target) is { } targetDate)
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
                if (state.HasSeen(orgFact.FactId)) return Decision.Nothing;
                return Rescore(state, change, OpenYearsFrom(WithEnrolmentYear(state, change), orgFact.OccurredOn.Year, calendar), rules,
                    $"{change.GetType().Name} {orgFact.FactId}");

            case OpenYear open:
                if (state.HasYear(open.Year)) return Decision.Nothing;
                if (calendar.IsClosed(open.Year))
                    return Reject("year-closed", $"{open.Year} 年度已关闭。", $"The year {open.Year} is closed.");
                return Rescore(state, new MemberYearOpened(state.Member, open.Year), [open.Year], rules, $"year {open.Year} opened");

            default:
                return Reject("unknown-command", $"未知命令 {command.GetType().Name}。", $"Unknown command {command.GetType().Name}.");
        }
    }

    // An enrolment opens its year, so that year is scored (base score) along with the later ones.
    private static MemberState WithEnrolmentYear(MemberState state, object change) =>
        change is MemberEnrolled e ? state.WithYearOpen(e.OccurredOn.Year) : state;

    private static int[] OpenYearsFrom(MemberState state, int fromYear, OrganisationCalendar calendar) =>
        [.. state.YearList.Where(y => y >= fromYear && !calendar.IsClosed(y))];

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
        var scratch = ScoringScratch.ForThisThread;
        try
        {
            for (var i = 0; i < years.Count; i++) Diff(state, years[i], YearScorer.Compute(state, years[i], rules, scratch), cause, events);
        }
        finally
        {
            scratch.Release();
        }
        // The state already holds the accepted fact: only the decisions are left to fold.
        for (var i = accepted is null ? 0 : 1; i < events.Count; i++) state = Evolve(state, events[i]);
        return new Accepted(events) { StateAfter = state };
    }

    private static void Diff(MemberState state, int year, ReadOnlySpan<ScoredItem> computed, string cause, List<IMemberEvent> events)
    {
        var book = state.YearOf(year);
        var current = book?.Lines.Length ?? 0;
        // Which current lines the computation still holds; the others are reverted, in allocation order.
        Span<bool> matched = current <= 256 ? stackalloc bool[current] : new bool[current];
        var count = 0;
        foreach (ref readonly var line in computed)
        {
            var at = book?.IndexOfLine(line.Date, line.Fact, line.OwnAwardId, line.Rule.Value) ?? -1;
            if (at < 0 || matched[at]) at = book is null ? -1 : FindElsewhere(book, line, matched);
            if (at < 0)
            {
                events.Add(new PointsAwarded(state.Member, line.AwardId, line.FactId, line.Rule, line.Set.Version, line.Category, line.Date,
                    line.Requested, line.Granted, line.CapNote, cause));
                continue;
            }
            matched[at] = true;
            count++;
            var old = book!.Line(at);
            if (old.GrantedCents != LineTerms.CentsOf(line.Granted) || old.RequestedCents != LineTerms.CentsOf(line.Requested))
            {
                // Same points under a newer version are not a change: the earlier decision stands.
                events.Add(new PointsCorrected(state.Member, line.AwardId, line.FactId, line.Rule, line.Category, line.Date,
                    old.Terms.Version, line.Set.Version, old.Requested, line.Requested, old.Granted, line.Granted, line.CapNote, cause));
            }
        }
        if (count == current) return; // every line still stands: nothing to revert

        for (var i = 0; i < current; i++)
        {
            if (matched[i]) continue;
            var old = book!.Line(i);
            events.Add(new PointsReverted(state.Member, old.AwardId, old.Fact is { } f ? new FactId(f) : null, old.Terms.Rule, old.Terms.Version,
                old.Terms.Category, old.Date, old.Granted, cause));
        }
    }

    // A line whose award id sits under another date in the ledger (the ledger is keyed by award id).
    private static int FindElsewhere(MemberYear book, in ScoredItem line, Span<bool> matched)
    {
        for (var i = 0; i < book.Lines.Length; i++)
            if (!matched[i] && book.Line(i).HasAwardId(line.Fact, line.OwnAwardId, line.Rule.Value)) return i;
        return -1;
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
