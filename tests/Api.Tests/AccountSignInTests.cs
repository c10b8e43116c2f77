using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Tests;

/// #18: people sign in as people. Through the real pipeline (WebApplicationFactory, SQLite file): links,
/// passwords, sessions that end, roles read on every request, and nothing that tells login names apart.
public sealed partial class when_people_sign_in_with_accounts : IAsyncLifetime
{
    private readonly ApiHost _api = ApiHost.OnSqlite();

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", "m-01", "m-02", "m-03");
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private PageVisitor Visitor() => new(_api.PageClient());

    /// A member's one-time link, as the branch's accounts page makes it.
    private async Task<string> LinkAsync(string member, string? phone = null, TimeSpan? lifetime = null, string formKey = "form-1") =>
        (await _api.Services.GetRequiredService<AccountInvitations>().InviteAsync(
            [new Invitee(member, phone ?? member, $"党员 {member}", MemberId.Parse(member), Roles.Member, [])], $"{formKey}-{member}",
            lifetime ?? TimeSpan.FromDays(7), "secretary-b1", CancellationToken.None)).Single().Code!;

    private static async Task<PageVisitor.Visit> SetPasswordAsync(PageVisitor v, string code, string password)
    {
        await v.GetAsync($"/i/{code}");
        return await v.PostAsync($"/i/{code}", new() { ["password"] = password, ["confirm"] = password }, $"/i/{code}");
    }

    private static Task<PageVisitor.Visit> SignInAsync(PageVisitor v, string login, string password) =>
        v.PostAsync("/signin", new() { ["login"] = login, ["password"] = password, ["returnUrl"] = "/" });

    [Fact]
    public async Task a_link_sets_the_password_signs_in_on_my_points_and_works_once()
    {
        var code = await LinkAsync("m-01", phone: "13912345678");
        var v = Visitor();
        var set = await SetPasswordAsync(v, code, "春天的花开了吗朋友");
        Assert.Equal("/me", set.Outcome);
        Assert.NotNull(v.Cookie(AccountSessions.CookieName));
        Assert.Equal("200", (await v.GetAsync("/me")).Outcome);

        var again = await Visitor().GetAsync($"/i/{code}");
        Assert.Equal("410", again.Outcome);
        Assert.Equal("link-used", again.Code("link-problem"));
        Assert.Contains("已经用过", again.Html, StringComparison.Ordinal);

        var phone = Visitor();
        Assert.Equal("/", (await SignInAsync(phone, "139 1234 5678", "春天的花开了吗朋友")).Outcome);
        Assert.Equal("200", (await phone.GetAsync("/me")).Outcome);
    }

    [Fact]
    public async Task an_expired_and_an_unknown_link_explain_themselves_and_set_nothing()
    {
        var expired = await LinkAsync("m-02", lifetime: TimeSpan.FromSeconds(-1));
        var v = Visitor();
        var open = await v.GetAsync($"/i/{expired}");
        Assert.Equal(("410", "link-expired"), (open.Outcome, open.Code("link-problem")));
        Assert.Contains("过期", open.Html, StringComparison.Ordinal);
        var head = await _api.HeadAsync();
        Assert.Equal("410", (await v.PostAsync($"/i/{expired}", new() { ["password"] = "a-good-password", ["confirm"] = "a-good-password" })).Outcome);
        Assert.Equal(head, await _api.HeadAsync());
        Assert.Equal("link-unknown", (await v.GetAsync("/i/not-a-link")).Code("link-problem"));
    }

    [Fact]
    public async Task a_password_breaking_the_rules_is_refused_next_to_its_field_and_the_link_still_works()
    {
        var code = await LinkAsync("m-02");
        var v = Visitor();
        var head = await _api.HeadAsync();
        var refused = await SetPasswordAsync(v, code, "1234");
        Assert.Equal("400", refused.Outcome);
        Assert.Contains("data-field=\"password\" data-code=\"too-short\"", refused.Html, StringComparison.Ordinal);
        Assert.Equal(head, await _api.HeadAsync());
        Assert.Equal("/me", (await SetPasswordAsync(v, code, "a-good-password")).Outcome);
    }

    /// #18 "no endpoint or page reveals whether a login name exists": a known name with a wrong password and an
    /// unknown name get the same status, the same words, and lock the same way.
    [Fact]
    public async Task an_unknown_login_name_and_a_wrong_password_get_the_same_answer_and_the_same_lockout()
    {
        await SetPasswordAsync(Visitor(), await LinkAsync("m-01"), "the-right-password");
        var known = new List<string>();
        var unknown = new List<string>();
        for (var i = 0; i < SignInThrottle.FreeFailures + 1; i++)
        {
            var a = await SignInAsync(Visitor(), "m-01", "a-wrong-password");
            var b = await SignInAsync(Visitor(), "m-99", "a-wrong-password");
            known.Add($"{a.Outcome} {a.Code("signin-error")} {Alert(a.Html)}");
            unknown.Add($"{b.Outcome} {b.Code("signin-error")} {Alert(b.Html)}");
        }
        Assert.Equal(known, unknown);
        Assert.StartsWith("401 sign-in-failed", known[0], StringComparison.Ordinal);
        Assert.StartsWith("401 sign-in-locked", known[^1], StringComparison.Ordinal);
        // Locked: even the right password waits (brute force gets nothing from the lock either).
        Assert.StartsWith("401", (await SignInAsync(Visitor(), "m-01", "the-right-password")).Outcome, StringComparison.Ordinal);
    }

    private static string Alert(string html) => AlertText().Match(html).Groups[1].Value;

    [GeneratedRegex("data-testid=\"signin-error\"[^>]*><p>([^<]*)")]
    private static partial Regex AlertText();

    /// #18 problem "a member who becomes a secretary gains the pages on the next request without a new token":
    /// the secretary is the organisation's fact (BranchSecretaryAppointed / Relieved), read on every request.
    [Fact]
    public async Task a_member_made_secretary_has_the_secretarys_pages_on_the_next_request_with_the_same_session()
    {
        var v = Visitor();
        await SetPasswordAsync(v, await LinkAsync("m-01"), "the-right-password");
        Assert.Equal("/denied", (await v.GetAsync("/branches/b1/meetings/new")).Outcome);

        (await _api.Admin.PostJsonAsync("/api/branches/b1/secretaries", new { member = "m-01", occurredOn = Setup.Enrolled }, "appoint-m-01"))
            .ShouldBe(HttpStatusCode.Created);
        Assert.Equal("200", (await v.GetAsync("/branches/b1/meetings/new")).Outcome);

        (await _api.Admin.PostJsonAsync("/api/branches/b1/secretaries/m-01/relief", new { reason = "换届", occurredOn = Setup.Enrolled.AddDays(1) }, "relieve-m-01"))
            .ShouldBe(HttpStatusCode.Created);
        Assert.Equal("/denied", (await v.GetAsync("/branches/b1/meetings/new")).Outcome);
    }

    /// #18: a member's secretary role is not an account setting any more; the old endpoint says where it went
    /// and writes nothing (it still sets admin, appraiser and member).
    [Fact]
    public async Task setting_a_members_account_to_secretary_is_refused_with_the_way_to_appoint()
    {
        await SetPasswordAsync(Visitor(), await LinkAsync("m-02"), "the-right-password");
        var head = await _api.HeadAsync();
        (await _api.Admin.PutJsonAsync("/api/accounts/m-02/role", new { role = "secretary", branches = new[] { "b1" } }))
            .ShouldBeProblem(HttpStatusCode.Conflict, "secretary-by-appointment");
        Assert.Equal(head, await _api.HeadAsync());
        (await _api.Admin.PutJsonAsync("/api/accounts/m-02/role", new { role = "appraiser" })).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task disabling_an_account_ends_its_open_session_on_its_next_request()
    {
        var member = Visitor();
        await SetPasswordAsync(member, await LinkAsync("m-02"), "the-right-password");
        Assert.Equal("200", (await member.GetAsync("/me")).Outcome);

        var secretary = Visitor();
        secretary.Set(PointsEngine.Api.Web.PageTokenHandler.CookieName, _api.Token(Role.Secretary, "secretary-b1", ["b1"]));
        await secretary.GetAsync("/branches/b1/accounts");
        Assert.Equal("200", (await secretary.PostAsync("/branches/b1/accounts?handler=disable", new() { ["member"] = "m-02" })).Outcome);

        var next = await member.GetAsync("/me");
        Assert.Equal("/signin", next.Outcome);
        Assert.Contains("reason=session-ended", next.Location, StringComparison.Ordinal);
        Assert.Equal("401", (await SignInAsync(Visitor(), "m-02", "the-right-password")).Outcome);
    }

    [Fact]
    public async Task a_new_link_for_a_forgotten_password_retires_the_old_password_and_its_sessions()
    {
        var old = Visitor();
        await SetPasswordAsync(old, await LinkAsync("m-03"), "the-first-password");
        await SetPasswordAsync(Visitor(), await LinkAsync("m-03", formKey: "form-2"), "the-second-password");
        Assert.Equal("/signin", (await old.GetAsync("/me")).Outcome);
        Assert.Equal("401", (await SignInAsync(Visitor(), "m-03", "the-first-password")).Outcome);
        Assert.Equal("/", (await SignInAsync(Visitor(), "m-03", "the-second-password")).Outcome);
    }

    [Fact]
    public async Task signing_out_everywhere_ends_the_other_phones_session_too()
    {
        var phone = Visitor();
        await SetPasswordAsync(phone, await LinkAsync("m-01"), "the-right-password");
        var computer = Visitor();
        Assert.Equal("/", (await SignInAsync(computer, "m-01", "the-right-password")).Outcome);
        var mine = await computer.GetAsync("/account");
        Assert.Equal(2, Regex.Count(mine.Html, "data-current="));
        Assert.Equal("/signin", (await computer.PostAsync("/account?handler=everywhere", [])).Outcome);
        Assert.Equal("/signin", (await phone.GetAsync("/me")).Outcome);
    }

    [Fact]
    public async Task the_log_holds_no_password_link_or_cookie_in_clear()
    {
        var code = await LinkAsync("m-01");
        var v = Visitor();
        await SetPasswordAsync(v, code, "a-secret-password");
        var store = _api.Services.GetRequiredService<PointsEngine.Store.IEventStore>();
        var all = new List<string>();
        await foreach (var e in store.ReadAllAsync(PointsEngine.Store.LogPosition.Start)) all.Add(e.Data);
        var log = string.Join("\n", all);
        Assert.Contains(all, d => d.Contains("passwordStamp", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("a-secret-password", log, StringComparison.Ordinal);
        Assert.DoesNotContain(code, log, StringComparison.Ordinal);
        Assert.DoesNotContain(v.Cookie(AccountSessions.CookieName)!, log, StringComparison.Ordinal);
        Assert.DoesNotContain("AQAAAA", log, StringComparison.Ordinal); // the PasswordHasher v3 format's prefix
    }
}
