using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Api.Tests.Support;

/// Organisation set-up through the API itself, as an admin would do it.
public static class Setup
{
    public static readonly DateOnly Enrolled = new(2025, 1, 1);

    public static async Task RulesAsync(HttpClient admin) =>
        (await admin.PostRawAsync("/api/rules", PointsEngine.TestSupport.TypicalRules.Document(), "rules-default")).ShouldBe(HttpStatusCode.Created);

    public static async Task BranchAsync(HttpClient admin, string branch, params string[] members)
    {
        (await admin.PostJsonAsync("/api/branches", new { branch, name = $"{branch} 党支部", occurredOn = Enrolled }, $"branch-{branch}"))
            .ShouldBe(HttpStatusCode.Created);
        foreach (var member in members)
            (await admin.PostJsonAsync("/api/members", new { member, name = $"党员 {member}", branch, occurredOn = Enrolled }, $"enrol-{member}"))
                .ShouldBe(HttpStatusCode.Created);
    }

    /// An account for the member (invited, no password yet), as the branch's accounts page makes it (#18).
    public static async Task AccountAsync(ApiHost api, string member) =>
        Assert.Null((await api.Services.GetRequiredService<AccountInvitations>().InviteAsync(
            [new Invitee(member, member, $"党员 {member}", MemberId.Parse(member), Roles.Member, [])], $"setup-{member}", TimeSpan.FromDays(7), "setup",
            CancellationToken.None)).Single().Refusal);

    /// A member who opened their link and chose <paramref name="password"/>: a browser signed in with their session (#18).
    public static async Task<PageVisitor> SignedInAsync(ApiHost api, string member, string password = "the-right-password")
    {
        var code = (await api.Services.GetRequiredService<AccountInvitations>().InviteAsync(
            [new Invitee(member, member, $"党员 {member}", MemberId.Parse(member), Roles.Member, [])], $"signed-in-{member}", TimeSpan.FromDays(7), "setup",
            CancellationToken.None)).Single().Code!;
        var v = new PageVisitor(api.PageClient());
        await v.GetAsync($"/i/{code}");
        Assert.Equal("/me", (await v.PostAsync($"/i/{code}", new() { ["password"] = password, ["confirm"] = password }, $"/i/{code}")).Outcome);
        return v;
    }

    public static string[] Members(string prefix, int count) => [.. Enumerable.Range(1, count).Select(i => $"{prefix}-{i:00}")];
}
