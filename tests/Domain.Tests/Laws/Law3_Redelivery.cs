using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.TestSupport;

namespace PointsEngine.Domain.Tests.Laws;

/// Law 3: delivering any fact twice, or replaying the whole log, changes nothing.
public sealed class when_facts_are_delivered_again
{
    private static readonly Gen<(Rules.RuleSet Scheme, List<MemberCommand> Once, List<MemberCommand> WithDuplicates)> Cases =
        from scheme in DomainGen.FullScheme()
        from facts in DomainGen.History(50)
        from revoked in DomainGen.SubsetOf(facts)
        let once = CommandGen.Scores(facts).Concat(CommandGen.Revocations(revoked)).ToList()
        from again in Gen.SubListOf((IEnumerable<MemberCommand>)once)
        from duplicated in DomainGen.Shuffled(once.Concat(again))
        select (scheme, once, duplicated);

    [Fact]
    public void a_second_delivery_emits_nothing_and_the_stream_equals_single_delivery()
    {
        PropertyRuns.Check(Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var twice = MemberHarness.For(DomainGen.Member.Value, c.Scheme).HandleAll(c.WithDuplicates);
            // The same commands once each, in the order of their first delivery.
            var firstArrivals = c.WithDuplicates.Distinct().ToList();
            var once = MemberHarness.For(DomainGen.Member.Value, c.Scheme).HandleAll(firstArrivals);

            Assert.Equal(once.Stream, twice.Stream);
            Assert.Equal(once.State, twice.State);
        }), PropertyConfig.Cases);
    }

    [Fact]
    public void replaying_the_whole_log_emits_nothing()
    {
        PropertyRuns.Check(Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var member = MemberHarness.For(DomainGen.Member.Value, c.Scheme).HandleAll(c.Once);
            var before = member.State;
            foreach (var command in c.Once)
                Assert.Equal(Decision.Nothing.Events, Assert.IsType<Accepted>(member.Handle(command)).Events);
            Assert.Equal(before, member.State);
        }), PropertyConfig.Cases);
    }
}
