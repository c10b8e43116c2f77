using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Storage;
using PointsEngine.Projections.Tests.Support;
using PointsEngine.TestSupport;

namespace PointsEngine.Projections.Tests.Examples;

/// A ranking reads each period as one packed text column (PackedRow) with the name last: a name is free text,
/// so one holding the separator, the NULL marker or nothing at all comes back exactly as enrolled.
public abstract class when_names_hold_any_text
{
    protected abstract Backend Backend { get; }

    [Fact]
    public async Task the_ranking_shows_each_name_as_recorded()
    {
        string[] names = [$"王{PackedRow.Separator}五", "=李四", "", $"{PackedRow.Separator}="];
        var branch = new BranchId("b1");
        List<IFact> facts = [new BranchRegistered(new FactId("branch-b1"), new DateOnly(2024, 12, 1), branch, "第一支部", null)];
        facts.AddRange(names.Select((name, i) => new MemberEnrolled(new FactId($"enrol-{i}"), new DateOnly(2025, 1, 1), new MemberId($"m{i}"), name,
            branch, null, MemberStatus.Full, MemberCategory.Regular)));
        await using var scenario = await Scenario.StartAsync(Backend);
        await scenario.RecordAsync(facts);
        await scenario.SettleAsync();

        var query = RankingQuery.For(RankingScope.Branch, branch.Value, Period.YearOf(2025));
        var ranking = await scenario.ReadModels.RankingAsync(query);
        Assert.Equal(names.Select((name, i) => ($"m{i}", (string?)name)), ranking.Rows.Select(r => (r.Member.Value, r.Name)));
        Assert.Equal((await scenario.ReadModels.RankingFromLinesAsync(query)).Rows, ranking.Rows);
    }
}

public sealed class when_names_hold_any_text_on_sqlite : when_names_hold_any_text
{
    protected override Backend Backend { get; } = new SqliteBackend();
}

[Collection(PostgresFixture.Collection)]
public sealed class when_names_hold_any_text_on_postgres(PostgresFixture postgres) : when_names_hold_any_text
{
    protected override Backend Backend { get; } = new PostgresBackend(postgres);
}
