using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.Domain.Values;
using PointsEngine.TestSupport;

namespace PointsEngine.Domain.Tests.Laws;

/// Law 4: state rebuilt from the member's stream equals the live state.
public sealed class when_a_member_is_rebuilt_from_its_stream
{
    [Fact]
    public void the_rebuilt_state_equals_the_live_state()
    {
        var cases =
            from v1 in DomainGen.FullScheme("v1")
            from v2 in DomainGen.FullScheme("v2", new DateOnly(DomainGen.Year, 7, 1))
            from facts in DomainGen.History(50)
            from revoked in DomainGen.SubsetOf(facts)
            from membership in CommandGen.MembershipChanges(DomainGen.Member, DomainGen.Year)
            from commands in DomainGen.Shuffled(CommandGen.Scores(facts).Concat(CommandGen.Revocations(revoked)).Concat(membership))
            from publishAt in Gen.Choose(0, commands.Count)
            select (v1, v2, commands, publishAt);

        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var live = MemberHarness.For(DomainGen.Member.Value, c.v1);
            for (var i = 0; i < c.commands.Count; i++)
            {
                if (i == c.publishAt)
                {
                    // A mid-year rule set published part-way through the history.
                    live.Rules = live.Rules.With(c.v2);
                    live.Handle(new ApplyRuleBook(DomainGen.Member, c.v2.Version, c.v2.EffectiveFrom));
                }
                live.Handle(c.commands[i]);
            }

            var rebuilt = MemberScoring.Rebuild(DomainGen.Member, live.Stream);
            Assert.Equal(live.State, rebuilt);
            // And the rebuilt state decides exactly as the live one: nothing left to do.
            var settle = new ApplyRuleBook(DomainGen.Member, new RuleSetVersion("check"), new DateOnly(DomainGen.Year, 1, 1));
            Assert.Empty(Assert.IsType<Accepted>(MemberScoring.Decide(rebuilt, settle, live.Rules)).Events);
        }), PropertyConfig.Cases);
    }
}
