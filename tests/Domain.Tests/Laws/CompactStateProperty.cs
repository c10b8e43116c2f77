using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.Domain.Values;
using PointsEngine.TestSupport;

namespace PointsEngine.Domain.Tests.Laws;

/// The member state is kept compact (fact arrays by id, inline ledger lines, award ids not stored,
/// pooled strings). Checked here against the plain reading of the stream it folds: the ledger is the
/// award lines keyed by award id (awarded, corrected, reverted), the facts are the accepted member facts,
/// the ids seen are every accepted id; and a snapshot document, in whatever order an earlier version
/// wrote its facts and lines, reads back as the same state.
public sealed class when_a_member_state_is_kept_compact
{
    [Fact]
    public void it_holds_what_its_stream_says()
    {
        var cases =
            from v1 in DomainGen.FullScheme("v1")
            from v2 in DomainGen.FullScheme("v2", new DateOnly(DomainGen.Year, 7, 1))
            from facts in DomainGen.History(50)
            from revoked in DomainGen.SubsetOf(facts)
            from membership in CommandGen.MembershipChanges(DomainGen.Member, DomainGen.Year)
            from commands in DomainGen.Shuffled(CommandGen.Scores(facts).Concat(CommandGen.Revocations(revoked)).Concat(membership))
            from publishAt in Gen.Choose(0, commands.Count)
            from seed in Gen.Choose(0, int.MaxValue)
            select (v1, v2, commands, publishAt, seed);

        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var live = MemberHarness.For(DomainGen.Member.Value, c.v1);
            for (var i = 0; i < c.commands.Count; i++)
            {
                if (i == c.publishAt)
                {
                    live.Rules = live.Rules.With(c.v2);
                    live.Handle(new ApplyRuleBook(DomainGen.Member, c.v2.Version, c.v2.EffectiveFrom));
                }
                live.Handle(c.commands[i]);
            }
            var state = live.State;

            var seen = new Dictionary<FactId, DateOnly>();
            foreach (var e in live.Stream)
                if (e is IFact f) seen[f.FactId] = f.OccurredOn;
            PlainReading.AssertHeld(state, live.Stream, state.Years.Append(DomainGen.Year).Distinct());
            foreach (var (id, date) in seen)
            {
                Assert.True(state.HasSeen(id));
                Assert.Equal(date, state.SeenOn(id));
            }
            Assert.False(state.HasSeen(new FactId("never-recorded")));

            // A snapshot document with its facts and lines in another order reads back as the same state.
            var document = MemberStateDocument.From(state);
            Assert.Equal(state, document.ToState());
            var random = new Random(c.seed);
            var shuffled = document with
            {
                Facts = [.. document.Facts.OrderBy(_ => random.Next())],
                Ledger = [.. document.Ledger.OrderBy(_ => random.Next())],
                Seen = [.. document.Seen.OrderBy(_ => random.Next())],
                Years = [.. document.Years.Concat(document.Years.Take(1)).OrderBy(_ => random.Next())],
            };
            Assert.Equal(state, shuffled.ToState());
        }), PropertyConfig.Cases);
    }
}

/// The compact ledger keeps an award id that is not its fact's "{fact}/{rule}" (an earlier version, or
/// a hand-written stream) in a line of its own shape: it is found, corrected, reverted and
/// snapshotted by that id like any other.
public sealed class when_a_fact_line_has_an_award_id_of_its_own
{
    private static readonly MemberId M = DomainGen.Member;
    private static readonly DateOnly On = new(2025, 3, 1);

    [Fact]
    public void it_is_found_corrected_and_reverted_by_that_id()
    {
        var fact = new AttendanceRecorded(new FactId("f1"), On, M, DomainGen.Branch, MeetingKind.GeneralMeeting, MeetingMode.InPerson,
            AttendanceStatus.Present);
        var state = MemberScoring.Rebuild(M, [
            fact,
            new PointsAwarded(M, "legacy-7", fact.FactId, new RuleId("general"), new RuleSetVersion("v1"), "attendance", On,
                new Points(5), new Points(5), null, "test"),
            new PointsAwarded(M, "f1/general", fact.FactId, new RuleId("general"), new RuleSetVersion("v1"), "attendance", On,
                new Points(3), new Points(2), "cap", "test"),
        ]);
        Assert.Equal(["f1/general", "legacy-7"], state.LinesIn(2025).Select(l => l.AwardId));
        Assert.Equal(new FactId("f1"), state.LedgerIn(2025)["legacy-7"].FactId);
        Assert.Equal(7m, state.TotalIn(2025).Value);
        Assert.Equal(state, MemberStateDocument.From(state).ToState());

        var corrected = MemberScoring.Evolve(state, new PointsCorrected(M, "legacy-7", fact.FactId, new RuleId("general"), "attendance", On,
            new RuleSetVersion("v1"), new RuleSetVersion("v2"), new Points(5), new Points(4), new Points(5), new Points(1), "capped", "test"));
        Assert.Equal(new LedgerEntry("legacy-7", fact.FactId, new RuleId("general"), new RuleSetVersion("v2"), "attendance", On, new Points(4),
            new Points(1), "capped"), corrected.LedgerIn(2025)["legacy-7"]);
        Assert.Equal(3m, corrected.TotalIn(2025).Value);
        Assert.Equal(corrected, MemberStateDocument.From(corrected).ToState());

        var reverted = MemberScoring.Evolve(corrected, new PointsReverted(M, "legacy-7", fact.FactId, new RuleId("general"), new RuleSetVersion("v2"),
            "attendance", On, new Points(1), "test"));
        Assert.Equal(["f1/general"], reverted.LinesIn(2025).Select(l => l.AwardId));
        Assert.False(reverted.LedgerIn(2025).ContainsKey("legacy-7"));
    }
}

/// A ledger line points at its fact by position in the year's facts, which move along as facts are
/// inserted before them; a line whose fact is not (yet) in its year, or whose award id is its own, is
/// kept loose. Whatever the order of a stream's facts and lines, the state holds the plain reading of the
/// stream, equals the state of the same lines folded after all the facts, and snapshots back to itself.
public sealed class when_ledger_lines_point_at_their_facts
{
    private static readonly MemberId M = DomainGen.Member;
    private static readonly RuleId[] Rules = [new("r1"), new("r2")];
    private static readonly string[] Categories = ["attendance", "volunteer"];

    [Fact]
    public void the_state_holds_the_plain_reading_of_the_stream_in_any_order()
    {
        var cases = from seed in Gen.Choose(0, int.MaxValue) from size in Gen.Choose(0, 60) select (seed, size);
        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var stream = Stream(new Random(c.seed), c.size);
            var state = MemberScoring.Rebuild(M, stream);

            PlainReading.AssertHeld(state, stream, [2024, 2025]);

            var factsFirst = MemberScoring.Rebuild(M, [.. stream.OfType<MemberFact>(), .. stream.Where(e => e is not MemberFact)]);
            Assert.Equal(factsFirst, state);
            Assert.Equal(state, MemberStateDocument.From(state).ToState());
        }), PropertyConfig.Cases);
    }

    // Facts with ids in no particular order (so they are inserted between those already held), interleaved
    // with lines: for a held fact or one still to come (or never to come), under the fact's award id or one of
    // its own, on the fact's date or another; base lines without a fact; corrections and reversions.
    private static List<IMemberEvent> Stream(Random random, int size)
    {
        var facts = new List<MemberFact>();
        var ids = new HashSet<string>();
        while (facts.Count < size)
        {
            var id = $"{(char)('a' + random.Next(26))}{random.Next(1000)}";
            if (!ids.Add(id)) continue;
            var date = Date(random, random.Next(10) == 0 ? 2024 : 2025);
            facts.Add(random.Next(5) == 0
                ? new VolunteerServiceRecorded(new FactId(id), date, M, 2m, "社区服务")
                : new AttendanceRecorded(new FactId(id), date, M, DomainGen.Branch, MeetingKind.GeneralMeeting, MeetingMode.InPerson,
                    AttendanceStatus.Present));
        }
        var stream = new List<IMemberEvent>();
        var awarded = new List<PointsAwarded>();
        var next = 0;
        for (var step = 0; step < size * 4; step++)
        {
            switch (random.Next(6))
            {
                case 0 or 1 when next < facts.Count:
                    stream.Add(facts[next++]);
                    break;
                case 2 or 3 when facts.Count > 0:
                    var fact = facts[random.Next(facts.Count)];
                    var rule = Rules[random.Next(Rules.Length)];
                    var award = new PointsAwarded(M, random.Next(4) == 0 ? $"own-{random.Next(1000)}" : $"{fact.FactId}/{rule}", fact.FactId, rule,
                        new RuleSetVersion("v1"), Categories[random.Next(2)], random.Next(4) == 0 ? Date(random, fact.OccurredOn.Year) : fact.OccurredOn,
                        random.Next(-5, 10), random.Next(-5, 10), random.Next(3) == 0 ? "cap" : null, "test");
                    stream.Add(award);
                    awarded.Add(award);
                    break;
                case 4:
                    var bonus = new PointsAwarded(M, $"bonus/{random.Next(20)}", null, Rules[0], new RuleSetVersion("v1"), "bonus",
                        Date(random, 2025), random.Next(10), random.Next(10), null, "test");
                    stream.Add(bonus);
                    awarded.Add(bonus);
                    break;
                case 5 when awarded.Count > 0:
                    var old = awarded[random.Next(awarded.Count)];
                    awarded.Remove(old);
                    awarded.RemoveAll(a => a.AwardId == old.AwardId && a.OccurredOn.Year == old.OccurredOn.Year);
                    if (random.Next(2) == 0)
                    {
                        stream.Add(new PointsReverted(M, old.AwardId, old.FactId, old.Rule, old.Version, old.Category, old.OccurredOn, old.Granted, "test"));
                        break;
                    }
                    var corrected = old with { Version = new RuleSetVersion("v2"), Requested = random.Next(10), Granted = random.Next(10), CapNote = null };
                    stream.Add(new PointsCorrected(M, old.AwardId, old.FactId, old.Rule, old.Category, old.OccurredOn, old.Version, corrected.Version,
                        old.Requested, corrected.Requested, old.Granted, corrected.Granted, corrected.CapNote, "test"));
                    awarded.Add(corrected);
                    break;
            }
        }
        stream.AddRange(facts.Skip(next).Where(_ => random.Next(3) > 0));
        return stream;
    }

    private static DateOnly Date(Random random, int year) => new DateOnly(year, 1, 1).AddDays(random.Next(365));
}

/// The plain reading of a member stream the compact state is checked against: the ledger is the award
/// lines keyed by year and award id (awarded, corrected, reverted), the facts are the member facts.
internal static class PlainReading
{
    public static void AssertHeld(MemberState state, IReadOnlyList<IMemberEvent> stream, IEnumerable<int> years)
    {
        var ledger = new Dictionary<(int, string), LedgerEntry>();
        foreach (var e in stream)
        {
            switch (e)
            {
                case PointsAwarded a:
                    ledger[(a.OccurredOn.Year, a.AwardId)] = new LedgerEntry(a.AwardId, a.FactId, a.Rule, a.Version, a.Category, a.OccurredOn,
                        a.Requested, a.Granted, a.CapNote);
                    break;
                case PointsCorrected k when ledger.TryGetValue((k.OccurredOn.Year, k.AwardId), out var line):
                    ledger[(k.OccurredOn.Year, k.AwardId)] = line with
                    {
                        Version = k.NewVersion, Requested = k.NewRequested, Granted = k.NewGranted, CapNote = k.CapNote,
                    };
                    break;
                case PointsReverted r:
                    ledger.Remove((r.OccurredOn.Year, r.AwardId));
                    break;
            }
        }
        var facts = stream.OfType<MemberFact>().ToList();
        foreach (var year in years)
        {
            var expected = ledger.Values.Where(l => l.OccurredOn.Year == year)
                .OrderBy(l => l.OccurredOn).ThenBy(l => l.AwardId, StringComparer.Ordinal).ToList();
            Assert.Equal(expected, state.LinesIn(year));
            Assert.Equal(expected.Sum(l => l.Granted.Value), state.TotalIn(year).Value);
            foreach (var line in expected) Assert.Equal(line, state.LedgerIn(year)[line.AwardId]);
            Assert.Equal(facts.Where(f => f.OccurredOn.Year == year).OrderBy(f => f.FactId.Value, StringComparer.Ordinal),
                state.FactsIn(year).OrderBy(f => f.FactId.Value, StringComparer.Ordinal));
        }
    }
}
