using PointsEngine.Domain.Appraisal;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Queries;
using PointsEngine.Store;

namespace PointsEngine.Projections.Simulation;

/// "What if we published this draft?" (issue #5): the real history as the members' streams hold it, then
/// the draft published at the head of the log exactly as the scoring engine would route it — the same
/// router adds it to the rule book and sends every enrolled member an ApplyRuleBook, which the domain's
/// Decide turns into corrections of the open years from the draft's effectiveFrom. The decisions are
/// folded in memory with the domain's Evolve and never appended, so the log does not move.
///
/// Shared by the HTTP API (POST /api/rules/simulate) and the command line: it needs only the store.
public static class RuleSimulation
{
    private static readonly FactId DraftFact = new("rule-simulation-draft");

    /// The draft document as the publish endpoint would read it, or its problems.
    public static (RuleSetPublished? Draft, IReadOnlyList<RuleSetProblem> Problems) Draft(string document)
    {
        var (set, problems) = RuleSetDocument.Validate(document);
        return set is null ? (null, problems) : (new RuleSetPublished(DraftFact, set.EffectiveFrom, set.Version, set.EffectiveFrom, document), []);
    }

    public static async Task<SimulationResult> RunAsync(IEventStore store, EventSerializer serializer, RuleSetPublished draft, int year, CancellationToken ct = default)
    {
        var head = await store.ReadHeadPositionAsync(ct).ConfigureAwait(false);
        var history = await History.ReadAsync(store, serializer, head, ct).ConfigureAwait(false);

        // The router as of the head: rule book, closed years and roster, folded as the dispatcher folds them.
        var router = new ScoringRouter(serializer, RuleSetDocument.Parse);
        await router.LoadAsync(store, head, ct).ConfigureAwait(false);
        var published = serializer.ToEventData(FactStreams.EventIdOf(draft), draft,
            new EventMetadata(new DateTimeOffset(draft.OccurredOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), "rule-simulation"));
        var recorded = new RecordedEvent(FactStreams.Rules, StreamRevision.Start, new LogPosition(head.Value + 1), published.EventId,
            published.Type, published.Data, published.Metadata, DateTimeOffset.UtcNow);

        var schemeNow = router.Rules.InForceOn(new DateOnly(year, 12, 31))?.Appraisal;
        var simulated = new Dictionary<MemberId, MemberState>(history.Members);
        var deliveries = router.Route(recorded);
        var schemeThen = router.Rules.InForceOn(new DateOnly(year, 12, 31))?.Appraisal;
        foreach (var delivery in deliveries)
        {
            var message = delivery.Command;
            var member = message.Command.Member;
            var state = simulated.GetValueOrDefault(member) ?? MemberScoring.Initial(member);
            if (MemberScoring.Decide(state, message.Command, message.Rules, message.Calendar) is Accepted accepted)
                simulated[member] = accepted.Events.Aggregate(state, MemberScoring.Evolve);
        }

        var members = history.Members.Values
            .Where(s => s.LedgerIn(year).Count > 0 || Spells(s, year).Count > 0 || simulated[s.Member].LedgerIn(year).Count > 0)
            .OrderBy(s => s.Member.Value, StringComparer.Ordinal)
            .Select(s => Compare(s, simulated[s.Member], year))
            .ToList();
        var gradesNow = Grades(schemeNow, members.Select(m => history.Members[m.Member]), year);
        var gradesThen = Grades(schemeThen, members.Select(m => simulated[m.Member]), year);
        members = [.. members.Select(m => m with { CurrentGrade = gradesNow.GetValueOrDefault(m.Member), SimulatedGrade = gradesThen.GetValueOrDefault(m.Member) })];

        var rankings = new List<SimulatedRanking>();
        var branches = history.Members.Values.SelectMany(s => Spells(s, year).Select(p => p.Branch)).Distinct()
            .OrderBy(b => b.Value, StringComparer.Ordinal);
        foreach (var branch in branches)
            rankings.Add(Rank(RankingScope.Branch, branch.Value, history.BranchNames.GetValueOrDefault(branch), history.Members.Values, simulated, year,
                on => on == branch));
        rankings.Add(Rank(RankingScope.Organisation, null, null, history.Members.Values, simulated, year, _ => true));

        return new SimulationResult(year, draft.Version, draft.EffectiveFrom, head.Value, members.Count(m => m.Change != 0 || m.ByCategory.Any(c => c.Change != 0)),
            members, rankings) { GradesChanged = members.Count(m => m.GradeChanged) };
    }

    /// Each member's year-end grade (its name) under the appraisal scheme in force on 31 December, as the year-end
    /// report grades it; none without a scheme.
    private static Dictionary<MemberId, string> Grades(AppraisalScheme? scheme, IEnumerable<MemberState> members, int year) =>
        scheme is null ? [] : YearEndAppraisal.Appraise(scheme, members.Select(s => Standing.Of(s, year, scheme.AbsenceExemptCategories)))
            .ToDictionary(a => a.Member, a => a.GradeName);

    private static SimulatedMember Compare(MemberState now, MemberState then, int year)
    {
        var categories = now.LedgerIn(year).Values.Select(l => l.Category).Concat(then.LedgerIn(year).Values.Select(l => l.Category))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(c => (Category: c, Current: now.TotalIn(year, c).Value, Simulated: then.TotalIn(year, c).Value))
            .Select(c => new SimulatedCategory(c.Category, c.Current, c.Simulated, c.Simulated - c.Current))
            .ToList();
        var spells = Spells(now, year);
        var current = now.TotalIn(year).Value;
        var simulated = then.TotalIn(year).Value;
        return new SimulatedMember(now.Member, now.Profile.Name, spells.Count > 0 ? spells[^1].Branch : null, current, simulated, simulated - current, categories);
    }

    /// Ranked as ReadModels ranks: everyone in scope on some day of the year; a line counts when the member
    /// was in scope on the line's date (after a transfer, earlier points stay with the old branch).
    private static SimulatedRanking Rank(RankingScope scope, string? id, string? name, IEnumerable<MemberState> everyone,
        IReadOnlyDictionary<MemberId, MemberState> simulated, int year, Func<BranchId, bool> inScope)
    {
        var rows = new List<(MemberState State, decimal Current, decimal Simulated)>();
        foreach (var state in everyone)
        {
            if (!Spells(state, year).Any(s => inScope(s.Branch))) continue;
            rows.Add((state, PointsInScope(state, state, year, inScope), PointsInScope(state, simulated[state.Member], year, inScope)));
        }
        var current = Ranks(rows.Select(r => (r.State.Member, r.Current)));
        var after = Ranks(rows.Select(r => (r.State.Member, r.Simulated)));
        return new SimulatedRanking(scope, id, name, [.. rows
            .OrderBy(r => after[r.State.Member]).ThenBy(r => r.State.Member.Value, StringComparer.Ordinal)
            .Select(r => new SimulatedRankingRow(r.State.Member, r.State.Profile.Name, r.Current, current[r.State.Member], r.Simulated,
                after[r.State.Member], current[r.State.Member] - after[r.State.Member]))]);
    }

    private static decimal PointsInScope(MemberState membership, MemberState ledger, int year, Func<BranchId, bool> inScope) =>
        ledger.LedgerIn(year).Values
            .Where(l => membership.Profile.On(l.OccurredOn, membership.Revoked) is { Enrolled: true, Left: false, Branch: { } b } && inScope(b))
            .Sum(l => l.Granted.Value);

    /// Standard competition ranking (1, 2, 2, 4); ties are broken by member id only for listing.
    private static Dictionary<MemberId, int> Ranks(IEnumerable<(MemberId Member, decimal Points)> rows)
    {
        var ordered = rows.OrderByDescending(r => r.Points).ThenBy(r => r.Member.Value, StringComparer.Ordinal).ToList();
        var ranks = new Dictionary<MemberId, int>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
            ranks[ordered[i].Member] = i > 0 && ordered[i - 1].Points == ordered[i].Points ? ranks[ordered[i - 1].Member] : i + 1;
        return ranks;
    }

    private sealed record Spell(DateOnly From, BranchId Branch);

    /// The branches the member belonged to during the year, in date order: the profile only changes on the
    /// dates of membership changes, so looking at the first of January and at each change date is enough.
    private static List<Spell> Spells(MemberState state, int year)
    {
        var start = new DateOnly(year, 1, 1);
        var end = new DateOnly(year, 12, 31);
        var dates = state.Profile.Changes.OfType<IFact>().Select(f => f.OccurredOn).Where(d => d > start && d <= end).Prepend(start).Distinct().Order();
        var spells = new List<Spell>();
        foreach (var date in dates)
            if (state.Profile.On(date, state.Revoked) is { Enrolled: true, Left: false, Branch: { } branch })
                spells.Add(new Spell(date, branch));
        return spells;
    }

    /// The members' streams folded with the domain's Evolve (what the actors decided), and the branches' names.
    private sealed record History(Dictionary<MemberId, MemberState> Members, Dictionary<BranchId, string> BranchNames)
    {
        public static async Task<History> ReadAsync(IEventStore store, EventSerializer serializer, LogPosition head, CancellationToken ct)
        {
            var members = new Dictionary<MemberId, MemberState>();
            var names = new Dictionary<BranchId, string>();
            await foreach (var e in store.ReadAllAsync(LogPosition.Start, int.MaxValue, ct).ConfigureAwait(false))
            {
                if (e.Position > head) break;
                if (e.Stream.Value.StartsWith("member-", StringComparison.Ordinal))
                {
                    if (serializer.Deserialize(e) is IMemberEvent me)
                        members[me.Member] = MemberScoring.Evolve(members.GetValueOrDefault(me.Member) ?? MemberScoring.Initial(me.Member), me);
                }
                else if (e.Stream == FactStreams.Organisation && serializer.Deserialize(e) is BranchRegistered b)
                {
                    names[b.Branch] = b.Name;
                }
            }
            return new History(members, names);
        }
    }
}
