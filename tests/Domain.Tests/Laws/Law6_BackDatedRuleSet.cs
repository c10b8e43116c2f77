using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.Domain.Values;
using PointsEngine.TestSupport;

namespace PointsEngine.Domain.Tests.Laws;

/// Law 6: publishing a rule set whose effective date lies in the past yields correction events for
/// exactly the affected members, each naming old and new rule versions; history is never rewritten.
public sealed class when_a_back_dated_rule_set_is_published
{
    private static readonly MemberId[] Members = [.. Enumerable.Range(1, 5).Select(i => new MemberId($"m-{i:000}"))];

    private static readonly Gen<(RuleSet V1, RuleSet V2, List<List<MemberFact>> Histories)> Cases =
        from v1 in DomainGen.FullScheme("v1")
        from effective in DomainGen.DateIn(DomainGen.Year)
        from v2 in DomainGen.FullScheme("v2", effective)
        from histories in Gen.ListOf(DomainGen.History(30), Members.Length)
        select (v1, v2, histories.Select((h, i) => h.Select(f => f with { Member = Members[i] }).ToList()).ToList());

    [Fact]
    public void exactly_the_members_whose_points_change_get_corrections_naming_both_versions()
    {
        PropertyRuns.Check(Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var before = RuleBook.Of(c.V1);
            var after = before.With(c.V2);
            for (var i = 0; i < Members.Length; i++)
            {
                // Given a member scored under v1
                var member = new MemberHarness(Members[i], before).HandleAll(CommandGen.Scores(c.Histories[i]));
                var old = member.State;
                var oldStream = member.Stream.ToList();
                // and what the member's ledger would be had v2 been known all along
                var fresh = new MemberHarness(Members[i], after).HandleAll(CommandGen.Scores(c.Histories[i]));
                var affected = !SamePoints(old.LedgerIn(DomainGen.Year), fresh.State.LedgerIn(DomainGen.Year));

                // When v2 is published, back-dated
                member.Rules = after;
                var events = member.Emitted(new ApplyRuleBook(Members[i], c.V2.Version, c.V2.EffectiveFrom));

                // Then only affected members get events, and they end where a fresh scoring ends
                Assert.Equal(affected, events.Count > 0);
                Assert.True(SamePoints(fresh.State.LedgerIn(DomainGen.Year), member.State.LedgerIn(DomainGen.Year)));
                // each correction names the old line's version and the version now in force
                foreach (var correction in events.OfType<PointsCorrected>())
                {
                    Assert.Equal(old.LedgerIn(DomainGen.Year)[correction.AwardId].Version, correction.OldVersion);
                    Assert.Equal(after.InForceOn(correction.OccurredOn)!.Version, correction.NewVersion);
                }
                // history before the effective date is untouched, and the old stream is only appended to
                Assert.All(events.OfType<PointsCorrected>(), e => Assert.True(e.OccurredOn >= c.V2.EffectiveFrom));
                Assert.All(events.OfType<PointsReverted>(), e => Assert.True(e.OccurredOn >= c.V2.EffectiveFrom));
                Assert.Equal(oldStream, member.Stream.Take(oldStream.Count));
            }
        }), 100);
    }

    private static bool SamePoints(IReadOnlyDictionary<string, LedgerEntry> a, IReadOnlyDictionary<string, LedgerEntry> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var o) && o.Granted == kv.Value.Granted && o.Requested == kv.Value.Requested);

    [Fact]
    public void a_correction_carries_old_and_new_version_and_points()
    {
        // Given a member with two general meetings in March scored at 5 each under v1
        var v1 = TestRules.Set("2025.1", new DateOnly(2025, 1, 1), TestRules.Present("general", MeetingKind.GeneralMeeting, 5));
        var member = MemberHarness.For("m-001", v1);
        foreach (var (id, day) in new[] { ("mar-05", 5), ("mar-20", 20) })
            member.Handle(new ScoreFact(new AttendanceRecorded(new FactId(id), new DateOnly(2025, 3, day), DomainGen.Member,
                DomainGen.Branch, MeetingKind.GeneralMeeting, MeetingMode.Online, AttendanceStatus.Present)));
        // When 2025.2 (4 points) is published in June, effective from 10 March
        var v2 = TestRules.Set("2025.2", new DateOnly(2025, 3, 10), TestRules.Present("general", MeetingKind.GeneralMeeting, 4));
        member.Rules = member.Rules.With(v2);
        var events = member.Emitted(new ApplyRuleBook(DomainGen.Member, v2.Version, v2.EffectiveFrom));
        // Then only the 20 March meeting is corrected, from 5 under 2025.1 to 4 under 2025.2
        var correction = Assert.IsType<PointsCorrected>(Assert.Single(events));
        Assert.Equal(("mar-20/general", "2025.1", "2025.2", 5m, 4m),
            (correction.AwardId, correction.OldVersion.Value, correction.NewVersion.Value, correction.OldGranted.Value, correction.NewGranted.Value));
        Assert.Equal(9m, member.Total(2025));
    }
}
