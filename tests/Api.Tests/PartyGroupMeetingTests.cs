using System.Net;
using PointsEngine.Api.Tests.Support;

namespace PointsEngine.Api.Tests;

/// #20 problem 3: recording group g1's meeting gave d010 (group g2) +3 and a +2 full-attendance bonus.
/// A party-group meeting's attendance is its own group's members; anyone else is refused beside the line.
public sealed class when_a_party_group_meeting_lists_a_member_of_another_group : IAsyncLifetime
{
    private readonly ApiHost _api = ApiHost.OnSqlite();
    private HttpClient _secretary = null!;

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "d");
        foreach (var (group, name) in new[] { ("g1", "第一党小组"), ("g2", "第二党小组") })
            (await _api.Admin.PostJsonAsync("/api/party-groups", new { group, branch = "d", name, occurredOn = Setup.Enrolled }, $"group-{group}"))
                .ShouldBe(HttpStatusCode.Created);
        foreach (var (member, group) in new[] { ("d001", "g1"), ("d002", "g1"), ("d010", "g2") })
            (await _api.Admin.PostJsonAsync("/api/members", new { member, name = $"党员 {member}", branch = "d", group, occurredOn = Setup.Enrolled }, $"enrol-{member}"))
                .ShouldBe(HttpStatusCode.Created);
        _secretary = _api.Client(_api.Token(Api.Access.Role.Secretary, "secretary-d", ["d"]));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static object Meeting(params string[] members) => new
    {
        occurredOn = "2025-03-14", group = "g1", kind = "PartyGroupMeeting", topic = "党小组学习",
        attendance = members.Select(m => new { member = m, status = "Present" }),
    };

    [Fact]
    public async Task problem_3_a_member_of_group_g2_is_refused_and_nothing_is_recorded()
    {
        // #20 problem 3: g1's meeting listing d010 (g2) scored d010 +3 and the quarter's +2 bonus.
        var head = await _api.HeadAsync();
        var before = (await _api.MemberAsync("d010")).TotalIn(2025);

        var answer = await _secretary.PostJsonAsync("/api/branches/d/meetings?wait=true", Meeting("d001", "d002", "d010"), "g1-with-d010");

        answer.ShouldBeProblem(HttpStatusCode.BadRequest, "member-not-in-group").ErrorsFor("attendance[2].member");
        Assert.Contains("第二党小组", answer.Body.ToString(), StringComparison.Ordinal);
        Assert.Equal(head, await _api.HeadAsync());
        Assert.Equal(before, (await _api.MemberAsync("d010")).TotalIn(2025));
    }

    [Fact]
    public async Task the_group_alone_is_recorded_and_scored()
    {
        (await _secretary.PostJsonAsync("/api/branches/d/meetings?wait=true", Meeting("d001", "d002"), "g1-alone")).ShouldBe(HttpStatusCode.Created);

        // Default rules: base 60; the group meeting +3 and the quarter's full attendance +2 for g1 only.
        Assert.Equal(65m, (await _api.MemberAsync("d001")).TotalIn(2025).Value);
        Assert.Equal(60m, (await _api.MemberAsync("d010")).TotalIn(2025).Value);
    }
}
