using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.Domain.Values;
using PointsEngine.TestSupport;

namespace PointsEngine.Domain.Tests.Laws;

/// Law 1: within a capped period, granted points never exceed the cap and their sum equals
/// min(cap, sum of requested) for non-negative rules, whatever the arrival order.
public sealed class when_facts_under_a_capped_rule_arrive_in_any_order
{
    private static readonly Gen<(RuleSet Scheme, Cap Cap, List<MemberFact> Facts, List<MemberFact> Arrival)> Cases =
        from points in Gen.Choose(0, 7)
        from cap in DomainGen.CapOn()
        from facts in DomainGen.History(DomainGen.Attendance(DomainGen.Year, DomainGen.Member), 80)
        from arrival in DomainGen.Shuffled(facts)
        select (TestRules.Set("v1", TestRules.Jan1, TestRules.Attendance("attend", null, [AttendanceStatus.Present], points, cap)),
            cap, facts, arrival);

    [Fact]
    public void granted_points_per_period_equal_the_smaller_of_cap_and_requested()
    {
        PropertyRuns.Check(Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var member = MemberHarness.For(DomainGen.Member.Value, c.Scheme);
            member.HandleAll(c.Arrival.Select(f => new ScoreFact(f)));

            var lines = member.State.LedgerIn(DomainGen.Year).Values.Where(l => l.Rule.Value == "attend").ToList();
            foreach (var period in lines.GroupBy(l => Period.Containing(l.OccurredOn, c.Cap.Period)))
            {
                var granted = period.Sum(l => l.Granted.Value);
                var requested = period.Sum(l => l.Requested.Value);
                Assert.True(granted <= c.Cap.Max!.Value.Value, $"{period.Key}: granted {granted} exceeds cap {c.Cap}");
                Assert.Equal(Math.Min(c.Cap.Max!.Value.Value, requested), granted);
                Assert.All(period, l => Assert.InRange(l.Granted.Value, 0m, l.Requested.Value));
            }
        }), PropertyConfig.Cases);
    }

    [Fact]
    public void the_ledger_does_not_depend_on_arrival_order()
    {
        var cases =
            from c in Cases
            from other in DomainGen.Shuffled(c.Facts)
            select (c.Scheme, c.Arrival, Other: other);
        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var first = MemberHarness.For(DomainGen.Member.Value, c.Scheme).HandleAll(c.Arrival.Select(f => new ScoreFact(f)));
            var second = MemberHarness.For(DomainGen.Member.Value, c.Scheme).HandleAll(c.Other.Select(f => new ScoreFact(f)));
            Assert.Equal(first.State.LinesIn(DomainGen.Year), second.State.LinesIn(DomainGen.Year));
        }), PropertyConfig.Cases);
    }

    [Fact]
    public void under_a_full_scheme_caps_hold_for_every_rule_category_and_the_total()
    {
        var cases =
            from scheme in DomainGen.FullScheme()
            from facts in DomainGen.History(80)
            from arrival in DomainGen.Shuffled(facts)
            select (scheme, arrival);
        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (scheme, arrival) = c;
            var member = MemberHarness.For(DomainGen.Member.Value, scheme).HandleAll(arrival.Select(f => new ScoreFact(f)));
            var lines = member.State.LedgerIn(DomainGen.Year).Values.ToList();

            foreach (var rule in scheme.Rules)
                foreach (var cap in rule.Caps)
                    AssertWithin(cap, lines.Where(l => l.Rule == rule.Id));
            foreach (var category in scheme.Categories)
                foreach (var cap in category.Caps)
                    AssertWithin(cap, lines.Where(l => l.Category == category.Id));
            foreach (var cap in scheme.TotalCaps)
                AssertWithin(cap, lines);
        }), PropertyConfig.Cases);
    }

    private static void AssertWithin(Cap cap, IEnumerable<LedgerEntry> lines)
    {
        foreach (var period in lines.GroupBy(l => Period.Containing(l.OccurredOn, cap.Period)))
        {
            var sum = period.Sum(l => l.Granted.Value);
            if (cap.Max is { } max) Assert.True(sum <= max.Value, $"{period.Key}: {sum} exceeds {cap}");
            if (cap.Min is { } min && period.Any(l => l.Granted.IsNegative))
                Assert.True(RunningMinimum(period) >= min.Value, $"{period.Key}: fell below {cap}");
        }
    }

    public static IEnumerable<LedgerEntry> InAllocationOrder(IEnumerable<LedgerEntry> lines) =>
        lines.OrderBy(l => l.OccurredOn)
            .ThenBy(l => l.FactId is not null ? 1 : l.Rule.Value == "base" ? 0 : 2)
            .ThenBy(l => l.FactId?.Value, StringComparer.Ordinal)
            .ThenBy(l => l.AwardId, StringComparer.Ordinal);

    // The floor holds at every step, in the order points are allocated.
    private static decimal RunningMinimum(IEnumerable<LedgerEntry> lines)
    {
        decimal running = 0, lowest = decimal.MaxValue;
        foreach (var line in InAllocationOrder(lines))
        {
            running += line.Granted.Value;
            if (line.Granted.IsNegative) lowest = Math.Min(lowest, running);
        }
        return lowest;
    }
}
