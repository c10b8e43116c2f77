using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Scoring;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.Domain.Values;
using PointsEngine.TestSupport;

namespace PointsEngine.Domain.Tests.Laws;

/// Decide scores a year in a per-thread scratch buffer that every decision on the thread reuses. Two
/// members of different sizes and rule books decided in turn on one thread (so each decision finds the
/// other's leftovers in the buffer) end with the ledgers a fresh scorer computes for their states.
public sealed class when_decisions_share_a_thread
{
    private static readonly MemberId Other = new("m-002");

    [Fact]
    public void each_ledger_is_what_a_fresh_scorer_computes()
    {
        var cases =
            from v1 in DomainGen.FullScheme("v1")
            from v2 in DomainGen.FullScheme("v2")
            from mine in DomainGen.History(80)
            from theirs in DomainGen.History(DomainGen.AnyFact(DomainGen.Year, Other), 20)
            from revoked in DomainGen.SubsetOf(mine)
            select (v1, v2, mine, theirs, revoked);

        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var a = MemberHarness.For(DomainGen.Member.Value, c.v1);
            var b = MemberHarness.For(Other.Value, c.v2);
            var forA = CommandGen.Scores(c.mine).Concat(CommandGen.Revocations(c.revoked)).Prepend(new OpenYear(DomainGen.Member, DomainGen.Year)).ToList();
            var forB = CommandGen.Scores(c.theirs).Prepend(new OpenYear(Other, DomainGen.Year)).ToList();
            for (var i = 0; i < Math.Max(forA.Count, forB.Count); i++)
            {
                if (i < forA.Count) a.Handle(forA[i]);
                if (i < forB.Count) b.Handle(forB[i]);
            }
            foreach (var member in new[] { a, b })
            {
                var fresh = YearScorer.Lines(member.State, DomainGen.Year, member.Rules)
                    .ToDictionary(l => l.AwardId, l => l.Granted.Value);
                Assert.Equal(fresh.OrderBy(kv => kv.Key, StringComparer.Ordinal), member.Granted(DomainGen.Year).OrderBy(kv => kv.Key, StringComparer.Ordinal));
            }
        }), PropertyConfig.Cases);
    }
}
