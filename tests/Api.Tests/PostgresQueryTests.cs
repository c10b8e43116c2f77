using System.Net;
using Newtonsoft.Json.Linq;
using PointsEngine.Api.Tests.Support;
using PointsEngine.TestSupport;

namespace PointsEngine.Api.Tests;

/// The main queries on PostgreSQL: the same half year (Support/BranchYear.cs), the same figures.
[Collection(PostgresFixture.Collection)]
public sealed class when_a_branch_queries_its_half_year_on_postgresql(PostgresFixture postgres)
{
    [Fact]
    public async Task standing_ranking_evidence_dashboard_and_csv_give_the_hand_computed_figures()
    {
        await using var api = ApiHost.OnPostgres(await postgres.CreateDatabaseAsync("api_read"));
        await BranchYear.RecordAsync(api);

        var ranking = (await api.Admin.GetJsonAsync("/api/rankings?scope=branch&id=b1&period=2025")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal([("a1", 1, 74m), ("a2", 2, 70m), ("a4", 2, 70m), ("a3", 4, 64m)],
            ((JArray)ranking.Body["rows"]!).Select(r => ((string)r["member"]!, (int)r["rank"]!, (decimal)r["points"]!)));

        var standing = (await BranchYear.Member(api, "a2").GetJsonAsync("/api/members/a2/standing?year=2025")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal((70m, 2, 3), ((decimal)standing.Body["total"]!, (int)standing.Body["inBranch"]!["rank"]!, (int)standing.Body["inGroup"]!["of"]!));

        var evidence = await CsvDownload.GetAsync(api.Admin, "/api/members/a2/evidence?year=2025&format=csv");
        Assert.Equal(["60", "5", "2", "0", "3"], evidence.Column("核定分值"));
        Assert.Equal("secretary-b1", evidence.Cell(3, "登记人"));

        var dashboard = (await BranchYear.Secretary(api).GetJsonAsync("/api/branches/b1/dashboard?year=2025")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(2, ((JArray)dashboard.Body["meetingAttendance"]!).Count);

        var simulated = (await api.Admin.PostRawAsync("/api/rules/simulate?year=2025", PointsEngine.TestSupport.TypicalRules.Document(), null)).ShouldBe(HttpStatusCode.OK);
        Assert.All((JArray)simulated.Body["members"]!, m => Assert.Equal((decimal)m["current"]!, (decimal)m["simulated"]!));
    }
}
