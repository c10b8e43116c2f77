using System.Net;
using System.Text.RegularExpressions;
using PointsEngine.Api.Access;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Api.Web;

namespace PointsEngine.Api.Tests;

/// #18 the accounts pages: an admin (and the secretary of the member's branch) sees an account, disables and
/// enables it, sends a new link, and manages its integration tokens (issued with a name and a lifetime, shown
/// once, listed, revoked); the audit view lists the account events with who, when and for whom, and no secret.
public sealed partial class the_accounts_pages : IAsyncLifetime
{
    private readonly ApiHost _api = ApiHost.OnSqlite();

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", "m-01");
        await Setup.BranchAsync(_api.Admin, "b2", "n-01");
        await Setup.AccountAsync(_api, "m-01");
        await Setup.AccountAsync(_api, "n-01");
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private PageVisitor As(Role role, string subject, params string[] branches)
    {
        var v = new PageVisitor(_api.PageClient());
        v.Set(PageTokenHandler.CookieName, _api.Token(role, subject, branches));
        return v;
    }

    [GeneratedRegex("data-testid=\"new-token\">([^<]+)<")]
    private static partial Regex NewToken();

    [Fact]
    public async Task the_secretary_issues_a_token_shown_once_then_revokes_it_and_it_is_refused()
    {
        var secretary = As(Role.Secretary, "secretary-b1", "b1");
        Assert.Equal("200", (await secretary.GetAsync("/accounts/m-01")).Outcome);

        var issued = await secretary.PostAsync("/accounts/m-01?handler=token", new() { ["formKey"] = "web-form-0001", ["name"] = "导入脚本", ["days"] = "30" }, "/accounts/m-01");
        Assert.Equal("200", issued.Outcome);
        var token = NewToken().Match(issued.Html).Groups[1].Value;
        Assert.Equal("member", (await _api.Client(token).GetJsonAsync("/api/access/me")).ShouldBe(HttpStatusCode.OK)["role"]);

        var page = await secretary.GetAsync("/accounts/m-01");
        Assert.Contains("导入脚本", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(token, page.Html, StringComparison.Ordinal); // shown once
        var id = Regex.Match(page.Html, "data-token=\"([0-9a-f]{32})\"").Groups[1].Value;
        Assert.Equal("200", (await secretary.PostAsync("/accounts/m-01?handler=revoke", new() { ["token"] = id })).Outcome);
        (await _api.Client(token).GetJsonAsync("/api/access/me")).ShouldBeProblem(HttpStatusCode.Unauthorized, "token-revoked");
        Assert.Contains("已收回", (await secretary.GetAsync("/accounts/m-01")).Html, StringComparison.Ordinal);

        // Another branch's member is not this secretary's to manage.
        Assert.Equal("/denied", (await secretary.GetAsync("/accounts/n-01")).Outcome);
    }

    [Fact]
    public async Task a_token_form_without_a_name_or_over_a_year_is_refused_next_to_its_field_and_writes_nothing()
    {
        var admin = As(Role.Admin, "admin-1");
        await admin.GetAsync("/accounts/m-01");
        var head = await _api.HeadAsync();

        var refused = await admin.PostAsync("/accounts/m-01?handler=token", new() { ["formKey"] = "web-form-0002", ["name"] = "", ["days"] = "400" });

        Assert.Equal("400", refused.Outcome);
        Assert.Contains("「令牌名称」不能为空", refused.Html, StringComparison.Ordinal);
        Assert.Contains("data-field=\"days\" data-code=\"out-of-range\"", refused.Html, StringComparison.Ordinal);
        Assert.Equal(head, await _api.HeadAsync());
    }

    [Fact]
    public async Task disable_and_enable_and_the_audit_shows_who_did_what_to_whom_without_secrets()
    {
        var admin = As(Role.Admin, "admin-1");
        await admin.GetAsync("/accounts/m-01");
        Assert.Contains("已停用", (await admin.PostAsync("/accounts/m-01?handler=disable", [])).Html, StringComparison.Ordinal);
        Assert.Contains("已邀请", (await admin.PostAsync("/accounts/m-01?handler=enable", [])).Html, StringComparison.Ordinal);
        var link = await admin.PostAsync("/accounts/m-01?handler=link", new() { ["formKey"] = "web-form-0003" });
        var code = Regex.Match(link.Html, "/i/([A-Za-z0-9_-]{22})").Groups[1].Value;
        Assert.NotEmpty(code);
        var issued = await admin.PostAsync("/accounts/m-01?handler=token", new() { ["formKey"] = "web-form-0004", ["name"] = "报表", ["days"] = "7" });
        var token = NewToken().Match(issued.Html).Groups[1].Value;

        var audit = await admin.GetAsync("/admin/audit?account=m-01");
        Assert.Equal("200", audit.Outcome);
        foreach (var kind in new[] { "invited", "disabled", "enabled", "invitation-withdrawn", "token-issued" })
            Assert.Contains($"data-kind=\"{kind}\" data-account=\"m-01\"", audit.Html, StringComparison.Ordinal);
        Assert.Contains("admin-1", audit.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-account=\"n-01\"", audit.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(code, audit.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(token, audit.Html, StringComparison.Ordinal);
        var onlyTokens = await admin.GetAsync("/admin/audit?kind=token-issued");
        Assert.DoesNotContain("data-kind=\"disabled\"", onlyTokens.Html, StringComparison.Ordinal);
        Assert.Contains("“报表”", onlyTokens.Html, StringComparison.Ordinal);

        Assert.Equal("/denied", (await As(Role.Secretary, "secretary-b1", "b1").GetAsync("/admin/audit")).Outcome);
    }

    [Fact]
    public async Task an_admin_lists_every_account_and_invites_an_appraiser()
    {
        var admin = As(Role.Admin, "admin-1");
        await admin.GetAsync("/admin/accounts");

        var invited = await admin.PostAsync("/admin/accounts?handler=invite", new() { ["formKey"] = "web-form-0005", ["name"] = "王考核", ["login"] = "139 0000 1111", ["role"] = "appraiser" });

        Assert.Equal("200", invited.Outcome);
        Assert.Matches("/i/[A-Za-z0-9_-]{22}", invited.Html);
        Assert.Contains("data-account=\"person-13900001111\"", invited.Html, StringComparison.Ordinal);
        Assert.Contains("data-account=\"m-01\"", invited.Html, StringComparison.Ordinal);
        var taken = await admin.PostAsync("/admin/accounts?handler=invite", new() { ["formKey"] = "web-form-0006", ["name"] = "另一人", ["login"] = "m-01", ["role"] = "admin" });
        Assert.Equal("409", taken.Outcome);
        Assert.Contains("data-code=\"login-taken\"", taken.Html, StringComparison.Ordinal);
    }
}
