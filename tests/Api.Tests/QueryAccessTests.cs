using System.Net;
using PointsEngine.Api.Access;
using PointsEngine.Api.Tests.Support;

namespace PointsEngine.Api.Tests;

/// Bad parameters are 400 naming the parameter, unknown members and branches 404 (issue #5).
[Collection(BranchYearFixture.Collection)]
public sealed class when_a_query_is_malformed_or_names_nobody(BranchYearFixture fixture)
{
    private ApiHost Api => fixture.Api;

    [Theory]
    [InlineData("/api/members/a2/standing?year=abc", "year")]
    [InlineData("/api/members/a2/standing?year=1800", "year")]
    [InlineData("/api/members/a2/standing?asOf=2025-13-01", "asOf")]
    [InlineData("/api/members/a2/standing?format=xml", "format")]
    [InlineData("/api/members/a2/standing?format=csv&table=weeks", "table")]
    [InlineData("/api/members/a2/evidence?year=20250", "year")]
    [InlineData("/api/branches/b1/dashboard?asOf=30/06/2025", "asOf")]
    [InlineData("/api/branches/b1/warnings?on=yesterday", "on")]
    [InlineData("/api/rankings?scope=city&id=b1", "scope")]
    [InlineData("/api/rankings?scope=branch", "id")]
    [InlineData("/api/rankings?scope=organisation&id=b1", "id")]
    [InlineData("/api/rankings?scope=branch&id=b1&period=2025-Q5", "period")]
    [InlineData("/api/rankings?scope=branch&id=b1&period=2025&from=2025-01-01&to=2025-02-01", "period")]
    [InlineData("/api/rankings?scope=branch&id=b1&from=2025-03-01&to=2025-02-01", "to")]
    [InlineData("/api/rankings?scope=branch&id=b1&from=2025-03-01", "to")]
    [InlineData("/api/rankings?scope=branch&id=b1&status=党员", "status")]
    [InlineData("/api/rankings?scope=branch&id=b1&pageSize=0", "pageSize")]
    [InlineData("/api/rankings?scope=branch&id=b1&page=-1", "page")]
    public async Task a_bad_parameter_is_a_400_problem_naming_it_in_both_languages(string path, string parameter)
    {
        var answer = (await Api.Admin.GetJsonAsync(path)).ShouldBeProblem(HttpStatusCode.BadRequest);

        Assert.NotEmpty(answer.ErrorsFor(parameter));
    }

    [Fact]
    public async Task every_bad_parameter_is_named_at_once()
    {
        var answer = (await Api.Admin.GetJsonAsync("/api/rankings?scope=branch&id=b1&period=x&pageSize=99999&format=pdf"))
            .ShouldBeProblem(HttpStatusCode.BadRequest);

        Assert.NotEmpty(answer.ErrorsFor("period"));
        Assert.NotEmpty(answer.ErrorsFor("pageSize"));
        Assert.NotEmpty(answer.ErrorsFor("format"));
    }

    [Theory]
    [InlineData("/api/members/nobody/standing?year=2025", "unknown-member")]
    [InlineData("/api/members/nobody/evidence?year=2025", "unknown-member")]
    [InlineData("/api/branches/b9/evidence?year=2025", "unknown-branch")]
    [InlineData("/api/branches/b9/dashboard?year=2025", "unknown-branch")]
    [InlineData("/api/branches/b9/warnings?on=2025-06-30", "unknown-branch")]
    [InlineData("/api/rankings?scope=branch&id=b9", "unknown-branch")]
    [InlineData("/api/rankings?scope=group&id=g9", "unknown-group")]
    [InlineData("/api/rankings?scope=zone&id=z9", "unknown-zone")]
    public async Task an_unknown_member_or_branch_is_a_404_problem(string path, string code)
    {
        (await Api.Admin.GetJsonAsync(path)).ShouldBeProblem(HttpStatusCode.NotFound, code);
    }
}

/// Admins and appraisers read everything; a secretary their own branches and their members; a member
/// only their own standing and evidence, and gets 403 for anyone else, existing or not.
[Collection(BranchYearFixture.Collection)]
public sealed class when_members_and_secretaries_read(BranchYearFixture fixture)
{
    private ApiHost Api => fixture.Api;

    [Fact]
    public async Task a_member_reads_their_own_standing_and_evidence_and_nothing_else()
    {
        var a2 = BranchYear.Member(Api, "a2");

        Assert.Equal(70m, (decimal)(await a2.GetJsonAsync("/api/members/a2/standing?year=2025")).ShouldBe(HttpStatusCode.OK).Body["total"]!);
        (await a2.GetJsonAsync("/api/members/a2/evidence?year=2025")).ShouldBe(HttpStatusCode.OK);
        await CsvDownload.GetAsync(a2, "/api/members/a2/evidence?year=2025&format=csv");

        foreach (var path in new[]
        {
            "/api/members/a1/standing?year=2025", "/api/members/a1/evidence?year=2025", "/api/members/a1/evidence?year=2025&format=csv",
            "/api/members/nobody/standing?year=2025",
        })
        {
            var refused = (await a2.GetJsonAsync(path)).ShouldBeProblem(HttpStatusCode.Forbidden, "member-own-only");
            Assert.DoesNotContain("张三", refused.Body.ToString());
            Assert.DoesNotContain("74", refused.Body.ToString());
        }
        foreach (var path in new[] { "/api/rankings?scope=branch&id=b1", "/api/branches/b1/dashboard", "/api/branches/b1/evidence", "/api/branches/b1/warnings", "/api/warnings" })
            (await a2.GetJsonAsync(path)).ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task a_secretary_reads_their_own_branch_and_its_members_only()
    {
        var own = BranchYear.Secretary(Api);
        var other = Api.Client(Api.Token(Role.Secretary, "secretary-b2", ["b2"]));

        (await own.GetJsonAsync("/api/members/a3/evidence?year=2025")).ShouldBe(HttpStatusCode.OK);
        (await own.GetJsonAsync("/api/rankings?scope=group&id=g1&period=2025")).ShouldBe(HttpStatusCode.OK);
        (await own.GetJsonAsync("/api/members/c1/standing?year=2025")).ShouldBeProblem(HttpStatusCode.Forbidden, "branch-scope");
        (await own.GetJsonAsync("/api/rankings?scope=organisation&period=2025")).ShouldBeProblem(HttpStatusCode.Forbidden, "branch-scope");
        (await own.GetJsonAsync("/api/rankings?scope=zone&id=z1&period=2025")).ShouldBeProblem(HttpStatusCode.Forbidden, "branch-scope");
        (await own.GetJsonAsync("/api/warnings")).ShouldBeProblem(HttpStatusCode.Forbidden);

        (await other.GetJsonAsync("/api/members/c1/standing?year=2025")).ShouldBe(HttpStatusCode.OK);
        (await other.GetJsonAsync("/api/members/a1/standing?year=2025")).ShouldBeProblem(HttpStatusCode.Forbidden, "branch-scope");
        (await other.GetJsonAsync("/api/branches/b1/dashboard?year=2025")).ShouldBeProblem(HttpStatusCode.Forbidden, "branch-scope");
        (await other.GetJsonAsync("/api/rankings?scope=branch&id=b1&period=2025")).ShouldBeProblem(HttpStatusCode.Forbidden, "branch-scope");
    }

    [Fact]
    public async Task an_appraiser_reads_everything()
    {
        var appraiser = Api.Client(Api.Token(Role.Appraiser, "appraiser-1"));
        foreach (var path in new[]
        {
            "/api/members/c1/standing?year=2025", "/api/members/a1/evidence?year=2025", "/api/branches/b2/evidence?year=2025",
            "/api/rankings?scope=organisation&period=2025", "/api/branches/b1/dashboard?year=2025", "/api/warnings?on=2025-06-30",
        })
            (await appraiser.GetJsonAsync(path)).ShouldBe(HttpStatusCode.OK);
    }
}

/// A member counts as in a branch if they are in it now or were in it during the year asked about.
public sealed class when_a_member_transfers_to_another_branch : IAsyncLifetime
{
    private readonly ApiHost _api = ApiHost.OnSqlite();

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", "t1");
        await Setup.BranchAsync(_api.Admin, "b2");
        (await _api.Admin.PostJsonAsync("/api/members/t1/transfers?wait=true", new { toBranch = "b2", occurredOn = "2025-07-01" })).ShouldBe(HttpStatusCode.Created);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task the_old_branch_still_reads_that_year_and_the_new_branch_reads_it_at_once()
    {
        var oldBranch = _api.Client(_api.Token(Role.Secretary, "secretary-b1", ["b1"]));
        var newBranch = _api.Client(_api.Token(Role.Secretary, "secretary-b2", ["b2"]));

        (await oldBranch.GetJsonAsync("/api/members/t1/standing?year=2025")).ShouldBe(HttpStatusCode.OK);
        (await newBranch.GetJsonAsync("/api/members/t1/standing?year=2025")).ShouldBe(HttpStatusCode.OK);
        (await newBranch.GetJsonAsync("/api/members/t1/evidence?year=2024")).ShouldBe(HttpStatusCode.OK);
        (await oldBranch.GetJsonAsync("/api/members/t1/standing?year=2026")).ShouldBeProblem(HttpStatusCode.Forbidden, "branch-scope");
    }
}
