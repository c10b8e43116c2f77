using PointsEngine.Domain.Appraisal;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.Projections.Tests.Support;
using PointsEngine.TestSupport;
using static PointsEngine.Projections.Tests.Examples.TwoBranchYear;

namespace PointsEngine.Projections.Tests.Examples;

/// #21 finding 1: a rule set may take the vanguard's top N % among the members of eligible grades only
/// (appraisal.vanguard.topPercentOf = "eligible"). The member's own page then needs the others' grades, not only their
/// totals; it must still print exactly the reason the branch report prints, with the place the summary shows.
public abstract class when_the_vanguard_top_percent_is_of_eligible_members
{
    protected abstract Backend Backend { get; }

    [Fact]
    public async Task the_member_page_and_the_branch_report_print_one_reason_with_the_summary_place()
    {
        await using var scenario = await Scenario.StartAsync(Backend);
        await scenario.RecordAsync(Facts());
        var document = PointsEngine.TestSupport.TypicalRules.Document()
            .Replace("\"default-2025.1\"", "\"default-2025.2\"", StringComparison.Ordinal)
            .Replace("\"eligibleGrades\": [\"Excellent\"] }", "\"eligibleGrades\": [\"Excellent\"], \"topPercentOf\": \"eligible\" }", StringComparison.Ordinal);
        var set = RuleSetDocument.Parse(document);
        Assert.Equal(VanguardPool.Eligible, set.Appraisal!.Vanguard!.TopPercentOf);
        await scenario.RecordAsync([new RuleSetPublished(new FactId("rules-2025-2"), new DateOnly(2025, 12, 30), set.Version, set.EffectiveFrom, document)]);
        await scenario.SettleAsync();

        var report = await scenario.ReadModels.BranchEvidenceAsync(B1, 2025);
        Assert.Equal("default-2025.2", report.RuleSetVersion);
        var ranked = report.Ranked();
        foreach (var (rank, member) in ranked)
        {
            var alone = await scenario.ReadModels.EvidenceAsync(member.Member, 2025);
            Assert.Equal(member.Appraisal!.Reasons, alone!.Appraisal!.Reasons);
            Assert.Equal((member.Appraisal.Vanguard, rank), (alone.Appraisal.Vanguard, alone.Appraisal.Rank));
            Assert.Contains($"rank {rank}/{ranked.Count},", member.Appraisal.Reasons[^1], StringComparison.Ordinal);
        }
        // m1 (90.5, 优秀) is the only member of an eligible grade: first of one, one place.
        var m1 = report.Members.Single(m => m.Member == M1).Appraisal!;
        Assert.True(m1.Vanguard);
        Assert.Contains("可评等次 [Excellent] 的 1 人中第 1 名（共 1 人）rank 1/1 among eligible grades", m1.Reasons[^1], StringComparison.Ordinal);
    }
}

public sealed class when_the_vanguard_top_percent_is_of_eligible_members_on_sqlite : when_the_vanguard_top_percent_is_of_eligible_members
{
    protected override Backend Backend { get; } = new SqliteBackend();
}

[Collection(PostgresFixture.Collection)]
public sealed class when_the_vanguard_top_percent_is_of_eligible_members_on_postgres(PostgresFixture postgres) : when_the_vanguard_top_percent_is_of_eligible_members
{
    protected override Backend Backend { get; } = new PostgresBackend(postgres);
}
