using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.Domain.Values;

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

        Check.One(PropertyConfig.Default, Prop.ForAll(cases.ToArbitrary(), c =>
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

            // The ledger, read plainly from the stream.
            var ledger = new Dictionary<(int, string), LedgerEntry>();
            var seen = new Dictionary<FactId, DateOnly>();
            var facts = new List<MemberFact>();
            foreach (var e in live.Stream)
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
                    case MemberFact f:
                        facts.Add(f);
                        seen[f.FactId] = f.OccurredOn;
                        break;
                    case IFact f:
                        seen[f.FactId] = f.OccurredOn;
                        break;
                }
            }
            foreach (var year in state.Years.Append(DomainGen.Year).Distinct())
            {
                var expected = ledger.Values.Where(l => l.OccurredOn.Year == year)
                    .OrderBy(l => l.OccurredOn).ThenBy(l => l.AwardId, StringComparer.Ordinal).ToList();
                Assert.Equal(expected, state.LinesIn(year));
                Assert.Equal(expected.Sum(l => l.Granted.Value), state.TotalIn(year).Value);
                foreach (var line in expected) Assert.Equal(line, state.LedgerIn(year)[line.AwardId]);
                Assert.Equal(facts.Where(f => f.OccurredOn.Year == year).OrderBy(f => f.FactId.Value, StringComparer.Ordinal),
                    state.FactsIn(year).OrderBy(f => f.FactId.Value, StringComparer.Ordinal));
            }
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
            };
            Assert.Equal(state, shuffled.ToState());
        }));
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
