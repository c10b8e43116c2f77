using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.TestSupport;

namespace PointsEngine.Domain.Tests.Laws;

/// #18: whatever appointments and reliefs the organisation records (many of them refused: a member of another
/// branch, one who left, the secretary already in office, a relief of someone not in office, a date before the
/// term), the branches each member keeps as secretary on any later day are what a plain reference model says.
public sealed class when_secretaries_are_appointed_and_relieved
{
    private sealed record Step(bool Appoint, int Branch, int Member, int Day);

    /// Member i is enrolled in branch i % 2 on day 0; members 0 and 3 move to the other branch on day 20;
    /// member 4 leaves on day 30.
    private static readonly MemberPlacement[] Placements =
    [.. Enumerable.Range(0, 6).Select(i => new MemberPlacement(
        i is 0 or 3 ? new List<(DateOnly, BranchId)> { (Day(0), B(i % 2)), (Day(20), B(1 - i % 2)) } : new List<(DateOnly, BranchId)> { (Day(0), B(i % 2)) },
        i == 4 ? Day(30) : null, Day(0)))];

    private static DateOnly Day(int d) => new DateOnly(2026, 1, 1).AddDays(d);
    private static BranchId B(int i) => new($"b{i}");
    private static MemberId M(int i) => new($"m{i}");

    private static int BranchOn(int member, int day) => member is 0 or 3 && day >= 20 ? 1 - member % 2 : member % 2;
    private static bool Gone(int member, int day) => member == 4 && day >= 30;

    [Fact]
    public void the_branches_kept_are_the_reference_model_s()
    {
        var steps = from appoint in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
                    from branch in Gen.Choose(0, 1)
                    from member in Gen.Choose(0, 5)
                    from day in Gen.Choose(-5, 45)
                    select new Step(appoint, branch, member, day);
        var cases = from list in steps.ListOf()
                    from today in Gen.Choose(-5, 60)
                    select (Steps: list.ToList(), Today: today);

        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var state = BranchSecretaries.None;
            var model = new Dictionary<int, (int Member, int Since)>();
            var i = 0;
            foreach (var s in c.Steps)
            {
                IFact fact = s.Appoint
                    ? new BranchSecretaryAppointed(new FactId($"f{i++}"), Day(s.Day), B(s.Branch), M(s.Member))
                    : new BranchSecretaryRelieved(new FactId($"f{i++}"), Day(s.Day), B(s.Branch), M(s.Member), "换届");
                var current = model.TryGetValue(s.Branch, out var t) ? t : ((int Member, int Since)?)null;
                var allowed = s.Appoint
                    ? s.Day >= 0 && BranchOn(s.Member, s.Day) == s.Branch && !Gone(s.Member, s.Day)
                      && current?.Member != s.Member && (current is null || s.Day >= current.Value.Since)
                    : current?.Member == s.Member && s.Day >= current.Value.Since;
                var refused = state.Check(fact, Placements[s.Member]);
                Assert.Equal(allowed, refused is null);
                if (refused is not null) continue;
                state = state.Evolve(fact);
                if (s.Appoint) model[s.Branch] = (s.Member, s.Day);
                else model.Remove(s.Branch);
            }
            for (var m = 0; m < Placements.Length; m++)
            {
                var member = m;
                var expected = model.Where(kv => kv.Value.Member == member && kv.Value.Since <= c.Today
                        && !Gone(member, c.Today) && BranchOn(member, c.Today) == kv.Key)
                    .Select(kv => B(kv.Key)).ToHashSet();
                Assert.Equal(expected, state.HeldBy(M(m), Placements[m], Day(c.Today)).ToHashSet());
            }
        }), cases: 200);
    }
}
