using System.Data.Common;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Runner;
using PointsEngine.Projections.Standings;
using PointsEngine.Projections.Storage;
using PointsEngine.Projections.Tests.Support;
using PointsEngine.TestSupport;

namespace PointsEngine.Projections.Tests.Runner;

/// An existing user's database after an upgrade: the standings tables as the build before issue #7's covering
/// indexes left them (no name beside the membership periods, the plain branch index, that build's schema
/// fingerprint). The new build's queries cannot read them; its runner sees the other fingerprint at start-up,
/// rebuilds the standings from the log in the new shape, and every answer is what it was.
public abstract class when_a_database_of_an_earlier_build_is_opened
{
    protected abstract Backend Backend { get; }

    [Fact]
    public async Task the_standings_are_rebuilt_in_the_new_shape_and_answer_as_before()
    {
        var year = OrganisationCase.Generate(4242);
        await using var scenario = await Scenario.StartAsync(Backend);
        await scenario.RecordAsync(year.Facts);
        await scenario.SettleAsync();
        var expected = await AnswersAsync(scenario.ReadModels, year);
        var database = scenario.Runner.Database;
        await scenario.StopRunnerAsync();

        var earlier = await ActiveStandingsAsync(database);
        var p = new TablePrefix(StandingsProjection.ProjectionName, earlier.Generation).Value;
        await ExecuteAsync(database,
            $"DROP INDEX {p}member_periods_branch",
            $"DROP INDEX {p}member_periods_group",
            $"ALTER TABLE {p}member_periods DROP COLUMN name",
            $"CREATE INDEX {p}member_periods_branch ON {p}member_periods (branch, valid_from)",
            $"UPDATE projection_generations SET schema_hash = 'before #7' WHERE projection = '{StandingsProjection.ProjectionName}' AND active = 1");
        var branch = year.Branches[0].Value;
        await Assert.ThrowsAnyAsync<DbException>(() => scenario.ReadModels.RankingAsync(RankingQuery.For(RankingScope.Branch, branch, Period.YearOf(2025))));

        await scenario.StartRunnerAsync();
        var upgraded = await ActiveStandingsAsync(database);
        Assert.True(upgraded.Generation > earlier.Generation, "the standings were not rebuilt");
        Assert.Equal(Generations.SchemaHash(new StandingsProjection(scenario.Serializer)), upgraded.Hash);
        Assert.Equal(expected, await AnswersAsync(scenario.ReadModels, year));
    }

    /// Every branch's and party group's ranking for the year and the first quarter, and each member's evidence
    /// (standing, appraisal, lines), as text.
    private static async Task<List<string>> AnswersAsync(ReadModels models, OrganisationCase year)
    {
        var answers = new List<string>();
        foreach (var period in (Period[])[Period.YearOf(2025), Period.QuarterOf(2025, 1)])
        {
            var queries = year.Branches.Select(b => RankingQuery.For(RankingScope.Branch, b.Value, period))
                .Concat(year.Groups.Select(g => RankingQuery.For(RankingScope.PartyGroup, g.Value, period)));
            foreach (var q in queries)
                answers.AddRange((await models.RankingAsync(q with { PageSize = 10_000 })).Rows.Select(r => $"{q.ScopeId} {period.Key}: {r}"));
        }
        foreach (var member in year.Facts.OfType<Domain.Organisation.MemberEnrolled>().Select(e => e.Member).Distinct())
        {
            var evidence = await models.EvidenceAsync(member, 2025);
            Assert.NotNull(evidence);
            answers.Add($"{member}: {evidence.Name} {evidence.Standing} {evidence.Appraisal?.Grade} {evidence.Appraisal?.Vanguard} " +
                        string.Join(" / ", evidence.Appraisal?.Reasons ?? []) + $" {evidence.Lines.Count} lines");
        }
        Assert.NotEmpty(answers);
        return answers;
    }

    private static async Task<(int Generation, string Hash)> ActiveStandingsAsync(ReadModelDatabase database)
    {
        await using var c = await database.OpenAsync();
        await using var sql = new Sql(c);
        return (await sql.QueryAsync("SELECT generation, schema_hash FROM projection_generations WHERE projection = @p AND active = 1",
            r => ((int)Sql.Long(r, 0), r.GetString(1)), default, ("@p", StandingsProjection.ProjectionName))).Single();
    }

    private static async Task ExecuteAsync(ReadModelDatabase database, params string[] statements)
    {
        await using var c = await database.OpenAsync();
        await using var sql = new Sql(c);
        foreach (var statement in statements) await sql.ExecuteAsync(statement, default);
    }
}

public sealed class when_a_database_of_an_earlier_build_is_opened_on_sqlite : when_a_database_of_an_earlier_build_is_opened
{
    protected override Backend Backend { get; } = new SqliteBackend();
}

[Collection(PostgresFixture.Collection)]
public sealed class when_a_database_of_an_earlier_build_is_opened_on_postgres(PostgresFixture postgres) : when_a_database_of_an_earlier_build_is_opened
{
    protected override Backend Backend { get; } = new PostgresBackend(postgres);
}
