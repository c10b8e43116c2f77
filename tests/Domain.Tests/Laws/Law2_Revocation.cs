using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.TestSupport;

namespace PointsEngine.Domain.Tests.Laws;

/// Law 2: after revoking any subset of facts, a member's totals equal those of the history that
/// never held them (capped points re-allocated).
public sealed class when_any_subset_of_facts_is_revoked
{
    private static Gen<(RuleSet Scheme, List<MemberFact> Facts, List<MemberFact> Revoked, List<MemberCommand> Arrival)> Cases(Gen<RuleSet> schemes) =>
        from scheme in schemes
        from facts in DomainGen.History(60)
        from revoked in DomainGen.SubsetOf(facts)
        // Revocations interleave anywhere, even before the fact they revoke arrives.
        from arrival in DomainGen.Shuffled(CommandGen.Scores(facts).Concat(CommandGen.Revocations(revoked)))
        select (scheme, facts, revoked, arrival.Prepend(OpenYear).ToList());

    // The host opens every member's year at New Year, so the base score never depends on whether a
    // fact happened to arrive.
    private static readonly MemberCommand OpenYear = new OpenYear(DomainGen.Member, DomainGen.Year);

    [Fact]
    public void the_ledger_equals_that_of_the_history_without_them()
    {
        PropertyRuns.Check(Prop.ForAll(Cases(DomainGen.FullScheme()).ToArbitrary(), c =>
        {
            var withRevocations = MemberHarness.For(DomainGen.Member.Value, c.Scheme).HandleAll(c.Arrival);
            var neverHeld = MemberHarness.For(DomainGen.Member.Value, c.Scheme)
                .HandleAll(CommandGen.Scores(c.Facts.Except(c.Revoked)).Prepend(OpenYear));

            Assert.Equal(neverHeld.Granted(DomainGen.Year).OrderBy(kv => kv.Key), withRevocations.Granted(DomainGen.Year).OrderBy(kv => kv.Key));
            Assert.Equal(neverHeld.Total(DomainGen.Year), withRevocations.Total(DomainGen.Year));
            Assert.DoesNotContain(withRevocations.State.LedgerIn(DomainGen.Year).Values, l => c.Revoked.Any(r => r.FactId == l.FactId));
        }), PropertyConfig.Cases);
    }

    [Fact]
    public void the_total_equals_the_reference_model_of_the_remaining_facts()
    {
        PropertyRuns.Check(Prop.ForAll(Cases(DomainGen.SimpleScheme()).ToArbitrary(), c =>
        {
            var member = MemberHarness.For(DomainGen.Member.Value, c.Scheme).HandleAll(c.Arrival);
            Assert.Equal(ReferenceModel.YearTotal(c.Scheme, c.Facts.Except(c.Revoked)), member.Total(DomainGen.Year));
        }), PropertyConfig.Cases);
    }
}
