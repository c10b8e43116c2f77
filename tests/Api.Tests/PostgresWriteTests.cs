using System.Net;
using PointsEngine.Api.Access;
using PointsEngine.Api.Tests.Support;
using PointsEngine.TestSupport;

namespace PointsEngine.Api.Tests;

/// The same write path on PostgreSQL: the organisation directory, the idempotent append and scoring.
[Collection(PostgresFixture.Collection)]
public sealed class when_a_meeting_is_recorded_on_postgresql(PostgresFixture postgres)
{
    [Fact]
    public async Task forty_members_are_scored_and_a_retry_writes_nothing_more()
    {
        await using var api = ApiHost.OnPostgres(await postgres.CreateDatabaseAsync("api_write"));
        var members = Setup.Members("pm", 40);
        await Setup.RulesAsync(api.Admin);
        await Setup.BranchAsync(api.Admin, "b1", members);
        var secretary = api.Client(api.Token(Role.Secretary, "secretary-b1", ["b1"]));
        var meeting = new
        {
            occurredOn = "2025-03-14", kind = "党员大会", topic = "学习",
            attendance = members.Select((m, i) => new { member = m, status = i == 0 ? "缺席" : "出席" }),
        };

        var first = (await secretary.PostJsonAsync("/api/branches/b1/meetings?wait=true", meeting, "pg-meeting")).ShouldBe(HttpStatusCode.Created);
        var head = await api.HeadAsync();
        var retry = (await secretary.PostJsonAsync("/api/branches/b1/meetings", meeting, "pg-meeting")).ShouldBe(HttpStatusCode.Created);

        Assert.Equal("true", first["scored"]);
        Assert.Equal(first["position"], retry["position"]);
        Assert.Equal(head, await api.HeadAsync());
        Assert.Equal(57m, (await api.MemberAsync("pm-01")).TotalIn(2025).Value);
        foreach (var m in members.Skip(1)) Assert.Equal(67m, (await api.MemberAsync(m)).TotalIn(2025).Value);
        (await api.Admin.PostJsonAsync("/api/members", new { member = "pm-01", name = "重复", branch = "b1", occurredOn = "2025-01-01" }))
            .ShouldBeProblem(HttpStatusCode.Conflict, "member-exists");
    }
}

/// Two server processes on one database: the organisation directory of each is checked and appended at
/// its expected revision, so the same member is never enrolled twice whoever wins the race.
[Collection(PostgresFixture.Collection)]
public sealed class when_two_servers_enrol_the_same_member_at_once(PostgresFixture postgres)
{
    [Fact]
    public async Task exactly_one_enrolment_succeeds_and_the_other_is_409()
    {
        var database = await postgres.CreateDatabaseAsync("api_two");
        await using var first = ApiHost.OnPostgres(database);
        await using var second = ApiHost.OnPostgres(database, scoring: false);
        await Setup.BranchAsync(first.Admin, "b1");

        for (var round = 0; round < 10; round++)
        {
            var member = $"dup-{round}";
            var answers = await Task.WhenAll(
                first.Admin.PostJsonAsync("/api/members", new { member, name = "甲", branch = "b1", occurredOn = "2025-01-01" }),
                second.Admin.PostJsonAsync("/api/members", new { member, name = "乙", branch = "b1", occurredOn = "2025-01-01" }));

            Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
            var loser = Assert.Single(answers, a => a.Status != HttpStatusCode.Created);
            loser.ShouldBeProblem(HttpStatusCode.Conflict);
        }
    }
}
