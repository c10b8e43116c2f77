using System.Net;
using PointsEngine.Api.Access;

namespace PointsEngine.Api.Tests.Support;

/// A half year small enough to check by hand, recorded through the API as a branch would record it
/// (default rules: base 60; 党员大会 and 党课 +5 each when present; absent −3; 季度全勤 +2 dated on the
/// quarter's last day for being present at every listed meeting of the quarter; 有价值 suggestion +3).
///
/// | member | where | 03-14 党员大会 | 03-31 Q1 | 04-10 党课 | 05-2x suggestion | 06-30 Q2 | total |
/// |--------|------------------|---------------|----------|-----------|------------------|----------|-------|
/// | a1 张三 | b1, g1           | 出席 +5        | +2       | 出席 +5    |                  | +2       | 74    |
/// | a2 李四 | b1, g1           | 出席 +5        | +2       | 请假 0     | 有价值 +3 (05-20) |          | 70    |
/// | a3 王五 | b1, no group     | 缺席 −3        |          | 出席 +5    |                  | +2       | 64    |
/// | a4 赵六 | b1, g1, 预备党员  | 出席 +5        | +2       | 请假 0     | 有价值 +3 (05-21) |          | 70    |
/// | c1 钱七 | b2               |               |          |           |                  |          | 60    |
///
/// b1 is in network zone z1; b2 is in none. Secretary "secretary-b1" records the meetings and assessments.
public static class BranchYear
{
    public static readonly string[] BranchOne = ["a1", "a2", "a3", "a4"];

    public static HttpClient Secretary(ApiHost api) => api.Client(api.Token(Role.Secretary, "secretary-b1", ["b1"]));

    public static HttpClient Member(ApiHost api, string member) => api.Client(api.Token(Role.Member, member, member: member));

    public static async Task RecordAsync(ApiHost api)
    {
        var admin = api.Admin;
        await Setup.RulesAsync(admin);
        (await admin.PostJsonAsync("/api/network-zones", new { zone = "z1", name = "第一网络区", occurredOn = "2025-01-01" })).ShouldBe(HttpStatusCode.Created);
        (await admin.PostJsonAsync("/api/branches", new { branch = "b1", name = "第一党支部", zone = "z1", occurredOn = "2025-01-01" })).ShouldBe(HttpStatusCode.Created);
        (await admin.PostJsonAsync("/api/branches", new { branch = "b2", name = "第二党支部", occurredOn = "2025-01-01" })).ShouldBe(HttpStatusCode.Created);
        (await admin.PostJsonAsync("/api/party-groups", new { group = "g1", branch = "b1", name = "第一党小组", occurredOn = "2025-01-01" })).ShouldBe(HttpStatusCode.Created);
        foreach (var (member, name, branch, group, status) in new[]
        {
            ("a1", "张三", "b1", "g1", "正式党员"), ("a2", "李四", "b1", "g1", "正式党员"), ("a3", "王五", "b1", (string?)null, "正式党员"),
            ("a4", "赵六", "b1", "g1", "预备党员"), ("c1", "钱七", "b2", (string?)null, "正式党员"),
        })
            (await admin.PostJsonAsync("/api/members?wait=true", new { member, name, branch, group, status, occurredOn = "2025-01-01" }))
                .ShouldBe(HttpStatusCode.Created);

        var secretary = Secretary(api);
        await MeetingAsync(secretary, "2025-03-14", "党员大会", ("a1", "出席"), ("a2", "出席"), ("a3", "缺席"), ("a4", "出席"));
        await MeetingAsync(secretary, "2025-04-10", "党课", ("a1", "出席"), ("a2", "请假"), ("a3", "出席"), ("a4", "请假"));
        await SuggestionAsync(api, secretary, "a2", "改进学习制度", "2025-05-06", "2025-05-20");
        await SuggestionAsync(api, secretary, "a4", "建立志愿服务台账", "2025-05-08", "2025-05-21");
    }

    private static async Task MeetingAsync(HttpClient secretary, string on, string kind, params (string Member, string Status)[] attendance)
    {
        var answer = await secretary.PostJsonAsync("/api/branches/b1/meetings?wait=true", new
        {
            occurredOn = on, kind, mode = "现场", topic = $"{kind}：学习",
            attendance = attendance.Select(a => new { member = a.Member, status = a.Status }),
        });
        Assert.Equal("true", answer.ShouldBe(HttpStatusCode.Created)["scored"]);
    }

    private static async Task SuggestionAsync(ApiHost api, HttpClient secretary, string member, string title, string submitted, string assessed)
    {
        var id = (await Member(api, member).PostJsonAsync("/api/suggestions", new { member, title, occurredOn = submitted }))
            .ShouldBe(HttpStatusCode.Created)["factId"];
        var answer = await secretary.PostJsonAsync($"/api/suggestions/{id}/assessments?wait=true", new { level = "有价值", occurredOn = assessed });
        Assert.Equal("true", answer.ShouldBe(HttpStatusCode.Created)["scored"]);
    }
}

/// One server with the half year recorded, shared by the read-only query tests.
public sealed class BranchYearFixture : IAsyncLifetime
{
    public const string Collection = "branch year";

    public ApiHost Api { get; } = ApiHost.OnSqlite();

    public async Task InitializeAsync() => await BranchYear.RecordAsync(Api);

    public async Task DisposeAsync() => await Api.DisposeAsync();
}

[CollectionDefinition(BranchYearFixture.Collection)]
public sealed class BranchYearCollection : ICollectionFixture<BranchYearFixture>;
