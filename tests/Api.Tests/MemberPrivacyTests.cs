using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Store;
using Xunit.Abstractions;

namespace PointsEngine.Api.Tests;

/// Issue #8 item 4: no endpoint shows a member another member's evidence. The GET endpoints are read from
/// the server's routing table, so query endpoints added later are covered without a change here: each
/// one with a {member} parameter must answer member m-01 for m-01 (proving the request is well formed)
/// and refuse m-01 for m-02 and for a member of another branch; and no GET answer to m-01 may contain the
/// text of another member's records.
public sealed partial class when_a_member_asks_for_another_members_data(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Year = "2025";
    private readonly ApiHost _api = ApiHost.OnSqlite();
    private readonly string _secret = $"SECRET-{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", "m-01", "m-02");
        await Setup.BranchAsync(_api.Admin, "b2", "n-01");
        // m-01's own records, and records of m-02 and n-01 whose text m-01 must never see.
        (await _api.Admin.PostJsonAsync("/api/volunteer-service", new { member = "m-01", hours = 2, activity = "社区服务", occurredOn = "2025-03-01" })).ShouldBe(HttpStatusCode.Created);
        foreach (var member in new[] { "m-02", "n-01" })
        {
            (await _api.Admin.PostJsonAsync("/api/adjustments", new { member, points = -2, reason = $"{_secret} 扣分原因 {member}", approver = "支委会", occurredOn = "2025-03-01" }))
                .ShouldBe(HttpStatusCode.Created);
            (await _api.Admin.PostJsonAsync("/api/volunteer-service", new { member, hours = 3, activity = $"{_secret} 服务 {member}", occurredOn = "2025-03-02" }))
                .ShouldBe(HttpStatusCode.Created);
            (await _api.Admin.PostJsonAsync("/api/suggestions?wait=true", new { member, title = $"{_secret} 建议 {member}", occurredOn = "2025-03-03" }))
                .ShouldBe(HttpStatusCode.Created);
        }
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private List<string> GetPatterns() =>
        [.. _api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Select(e => e.RoutePattern.RawText!.TrimEnd('/'))
            .Where(p => p.StartsWith("/api", StringComparison.Ordinal))
            .Distinct().Order()];

    [Fact]
    public async Task every_get_endpoint_with_a_member_parameter_refuses_other_members()
    {
        var m01 = _api.Client(_api.Token(Role.Member, "m-01", member: "m-01"));
        var patterns = GetPatterns().Where(p => MemberParameter().IsMatch(p)).ToList();
        var wrong = new List<string>();
        foreach (var pattern in patterns)
        {
            var own = await m01.GetJsonAsync(Fill(pattern, "m-01"));
            if (own.Status != HttpStatusCode.OK)
                wrong.Add($"{pattern}: m-01 asking for m-01 got {(int)own.Status} — the request this test builds is not well formed; give its parameters values in {nameof(Fill)}: {own.Body}");
            foreach (var other in new[] { "m-02", "n-01" })
            {
                var answer = await m01.GetJsonAsync(Fill(pattern, other));
                if (answer.Status is not (HttpStatusCode.Forbidden or HttpStatusCode.NotFound))
                    wrong.Add($"{pattern}: m-01 asking for {other} got {(int)answer.Status}: {answer.Body}");
                else if (answer.Response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    wrong.Add($"{pattern}: the refusal is not a problem document");
                if (answer.Body.ToString().Contains(_secret, StringComparison.Ordinal))
                    wrong.Add($"{pattern}: m-01 was shown {other}'s records");
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        output.WriteLine($"{patterns.Count} GET endpoints with a member parameter: {string.Join(", ", patterns)}");
    }

    [Fact]
    public async Task no_get_answer_to_a_member_contains_another_members_records()
    {
        var m01 = _api.Client(_api.Token(Role.Member, "m-01", member: "m-01"));
        var patterns = GetPatterns();
        var leaks = new List<string>();
        foreach (var pattern in patterns)
        {
            var answer = await m01.GetJsonAsync(Fill(pattern, "m-01"));
            if (answer.Body.ToString().Contains(_secret, StringComparison.Ordinal) || answer["text"]?.Contains(_secret, StringComparison.Ordinal) == true)
                leaks.Add($"{pattern} ({(int)answer.Status})");
        }
        Assert.True(leaks.Count == 0, $"m-01 was shown other members' records by: {string.Join(", ", leaks)}");
        // The marker is findable, so its absence means something: it is in the log's facts.
        var recorded = 0;
        await foreach (var e in _api.Services.GetRequiredService<IEventStore>().ReadAllAsync(LogPosition.Start))
            if (e.Data.Contains(_secret, StringComparison.Ordinal)) recorded++;
        Assert.True(recorded >= 6, $"only {recorded} events carry the marker");
        output.WriteLine($"{patterns.Count} GET endpoints read as m-01, none showed another member's records");
    }

    /// The request for a route pattern: the member asked about, and usual values for other parameters.
    private static string Fill(string pattern, string member)
    {
        var path = Parameter().Replace(pattern, m => m.Groups[1].Value switch
        {
            var name when name.Contains("member", StringComparison.OrdinalIgnoreCase) => member,
            "branch" => member.StartsWith("n-", StringComparison.Ordinal) ? "b2" : "b1",
            "year" => Year,
            "quarter" => "1",
            "month" => "3",
            "period" => Year,
            _ => "x",
        });
        return $"{path}?year={Year}&on=2025-06-01";
    }

    [GeneratedRegex(@"\{([^}:?=*]+)[^}]*\}")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"\{[^}]*member[^}]*\}", RegexOptions.IgnoreCase)]
    private static partial Regex MemberParameter();
}
