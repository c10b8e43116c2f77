using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.TestSupport;

namespace PointsEngine.Domain.Tests.Laws;

/// Laws 1–3 together: facts, revocations and membership changes may reach a member in any order
/// (the log interleaves recorders); the ledger ends the same.
public sealed class when_the_same_commands_arrive_in_any_order
{
    [Fact]
    public void the_ledger_ends_the_same()
    {
        var cases =
            from scheme in DomainGen.FullScheme()
            from facts in DomainGen.History(40)
            from revoked in DomainGen.SubsetOf(facts)
            from membership in CommandGen.MembershipChanges(DomainGen.Member, DomainGen.Year)
            let commands = CommandGen.Scores(facts).Concat(CommandGen.Revocations(revoked)).Concat(membership).ToList()
            from first in DomainGen.Shuffled(commands)
            from second in DomainGen.Shuffled(commands)
            select (scheme, first, second);

        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var one = MemberHarness.For(DomainGen.Member.Value, c.scheme).HandleAll(c.first);
            var other = MemberHarness.For(DomainGen.Member.Value, c.scheme).HandleAll(c.second);

            Assert.Equal(one.State.Years, other.State.Years);
            foreach (var year in one.State.Years)
                Assert.Equal(one.Granted(year).OrderBy(kv => kv.Key), other.Granted(year).OrderBy(kv => kv.Key));
        }), PropertyConfig.Cases);
    }
}
