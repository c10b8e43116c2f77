using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Domain.Accounts;
using PointsEngine.Domain.Values;
using PointsEngine.Store;

namespace PointsEngine.Api.Tests;

/// #18 integration tokens: issued to an account, named, listed, revocable one by one, 90 days unless asked and
/// a year at most, each issue and revocation an account event; validated by the standard JwtBearer handler and,
/// on every request, against the account (not revoked, account enabled).
public sealed class when_integration_tokens_are_issued_to_accounts : IAsyncLifetime
{
    private readonly ApiHost _api = ApiHost.OnSqlite();

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", "m-01", "m-02");
        await Setup.BranchAsync(_api.Admin, "b2", "m-09");
        await Setup.AccountAsync(_api, "m-01");
        await Setup.AccountAsync(_api, "m-09");
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task<(string Token, string Id)> IssueAsync(HttpClient by, string account, string name, int? days = null, string? key = null)
    {
        var answer = (await by.PostJsonAsync($"/api/accounts/{account}/tokens", new { name, expiresInDays = days }, key)).ShouldBe(HttpStatusCode.Created);
        return (answer["token"]!, answer["info.id"]!);
    }

    private Task<Answer> RevokeAsync(HttpClient by, string account, string id) =>
        by.DeleteJsonAsync($"/api/accounts/{account}/tokens/{id}");

    private Task<Answer> MeAsync(string token) => _api.Client(token).GetJsonAsync("/api/access/me");

    private async Task<List<object>> AccountEventsAsync()
    {
        var store = _api.Services.GetRequiredService<IEventStore>();
        var serializer = _api.Services.GetRequiredService<EventSerializer>();
        var events = new List<object>();
        await foreach (var e in store.ReadStreamAsync(AccountBook.Stream, StreamRevision.Start, int.MaxValue)) events.Add(serializer.Deserialize(e));
        return events;
    }

    // #18 problem (API test): "revoked and expired tokens get 401".
    [Fact]
    public async Task a_token_revoked_one_by_one_is_401_at_once_and_the_others_keep_working()
    {
        var (script, scriptId) = await IssueAsync(_api.Admin, "m-01", "导入脚本");
        var (report, _) = await IssueAsync(_api.Admin, "m-01", "报表系统");
        Assert.Equal("m-01", (await MeAsync(script)).ShouldBe(HttpStatusCode.OK)["subject"]);

        var revoked = (await RevokeAsync(_api.Admin, "m-01", scriptId)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("revoked", revoked["state"]);

        var refused = (await MeAsync(script)).ShouldBeProblem(HttpStatusCode.Unauthorized, "token-revoked");
        Assert.Contains("invalid_token", refused.Response.Headers.WwwAuthenticate.ToString());
        (await MeAsync(report)).ShouldBe(HttpStatusCode.OK);
        var listed = (await _api.Admin.GetJsonAsync("/api/accounts/m-01/tokens")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(["live", "revoked"], listed.Body["tokens"]!.Select(t => (string)t["state"]!).Order().ToArray());
        Assert.DoesNotContain(script, listed.Body.ToString(), StringComparison.Ordinal); // shown once, never listed

        var events = await AccountEventsAsync();
        Assert.Equal(["导入脚本", "报表系统"], events.OfType<TokenIssued>().Select(t => t.Name).ToArray());
        Assert.All(events.OfType<TokenIssued>(), t => Assert.Equal(("m-01", "admin-1"), (t.Account, t.By)));
        var revocation = Assert.Single(events.OfType<TokenRevoked>());
        Assert.Equal((scriptId, "admin-1", "m-01"), (revocation.TokenId, revocation.By, revocation.Account));
        // Revoking again changes nothing more.
        (await RevokeAsync(_api.Admin, "m-01", scriptId)).ShouldBe(HttpStatusCode.OK);
        Assert.Single((await AccountEventsAsync()).OfType<TokenRevoked>());
    }

    [Fact]
    public async Task an_expired_or_tampered_account_token_is_401_naming_the_reason()
    {
        var (token, id) = await IssueAsync(_api.Admin, "m-01", "导入脚本");
        var tokens = _api.Services.GetRequiredService<TokenService>();
        var issued = DateTimeOffset.UtcNow.AddDays(-2);
        var expired = tokens.Issue(new AccessToken("m-01", "m-01", Role.Member, [], MemberId.Parse("m-01"), issued, issued.AddDays(1), id), "m-01");
        (await MeAsync(expired)).ShouldBeProblem(HttpStatusCode.Unauthorized, "token-expired");

        // The member's token made out to the admin account: the signature no longer matches.
        var parts = token.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[1])));
        var altered = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(payload.Replace("\"member\"", "\"admin\"")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.NotEqual(parts[1], altered);
        (await MeAsync($"{parts[0]}.{altered}.{parts[2]}")).ShouldBeProblem(HttpStatusCode.Unauthorized, "invalid-signature");
        // A token with a made-up id for the account (signed, but never issued): refused as revoked.
        var unissued = tokens.IssueNew("m-01", "m-01", Role.Admin, [], null, TimeSpan.FromHours(1), account: "m-01").Token;
        (await MeAsync(unissued)).ShouldBeProblem(HttpStatusCode.Unauthorized, "token-revoked");
    }

    [Fact]
    public async Task a_disabled_accounts_tokens_are_401_and_work_again_once_it_is_enabled()
    {
        var (token, _) = await IssueAsync(_api.Admin, "m-01", "导入脚本");
        var book = _api.Services.GetRequiredService<AccountBook>();
        await book.DecideAsync("m-01", s => AccountRules.Disable(s!, "admin-1", "离开", DateTimeOffset.UtcNow), "admin-1");

        (await MeAsync(token)).ShouldBeProblem(HttpStatusCode.Unauthorized, "account-disabled");
        (await _api.Admin.PostJsonAsync("/api/accounts/m-01/tokens", new { name = "又一个" })).ShouldBeProblem(HttpStatusCode.Conflict, "account-disabled");

        await book.DecideAsync("m-01", s => AccountTokens.Enable(s, "admin-1", DateTimeOffset.UtcNow), "admin-1");
        (await MeAsync(token)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task what_a_token_may_do_is_the_accounts_role_now_not_a_copy_in_the_token()
    {
        var (token, _) = await IssueAsync(_api.Admin, "m-01", "导入脚本");
        Assert.Equal("member", (await MeAsync(token))["role"]);

        // The organisation appoints m-01 secretary of b1 (#18: a member's role comes from the organisation's facts).
        (await _api.Admin.PostJsonAsync("/api/branches/b1/secretaries", new { member = "m-01", occurredOn = Setup.Enrolled }, "appoint-m-01"))
            .ShouldBe(HttpStatusCode.Created);

        var me = (await MeAsync(token)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(("secretary", "b1"), (me["role"], me["branches[0]"]));
    }

    [Fact]
    public async Task lasts_90_days_unless_asked_a_year_at_most_and_needs_a_name()
    {
        var answer = (await _api.Admin.PostJsonAsync("/api/accounts/m-01/tokens", new { name = "导入脚本" })).ShouldBe(HttpStatusCode.Created);
        var lasts = DateTimeOffset.Parse(answer["info.expiresAt"]!) - DateTimeOffset.Parse(answer["info.issuedAt"]!);
        Assert.Equal(TimeSpan.FromDays(90), lasts);
        Assert.Equal(365, DateTimeOffset.Parse((await _api.Admin.PostJsonAsync("/api/accounts/m-01/tokens", new { name = "一年", expiresInDays = 365 }))
            .ShouldBe(HttpStatusCode.Created)["info.expiresAt"]!).Subtract(DateTimeOffset.UtcNow).TotalDays, 0);

        var head = await _api.HeadAsync();
        (await _api.Admin.PostJsonAsync("/api/accounts/m-01/tokens", new { name = "太久", expiresInDays = 366 }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "out-of-range").ErrorsFor("expiresInDays");
        (await _api.Admin.PostJsonAsync("/api/accounts/m-01/tokens", new { name = " " })).ShouldBeProblem(HttpStatusCode.BadRequest).ErrorsFor("name");
        (await _api.Admin.PostJsonAsync("/api/accounts/nobody/tokens", new { name = "x" })).ShouldBeProblem(HttpStatusCode.NotFound, "unknown-account");
        (await _api.Admin.PostRawAsync("/api/accounts/m-01/tokens", """{"name":"x"}""", key: null)).ShouldBeProblem(HttpStatusCode.BadRequest);
        (await RevokeAsync(_api.Admin, "m-01", "no-such-token")).ShouldBeProblem(HttpStatusCode.NotFound, "unknown-token");
        Assert.Equal(head, await _api.HeadAsync());
    }

    [Fact]
    public async Task the_same_request_twice_issues_one_token()
    {
        var first = await IssueAsync(_api.Admin, "m-01", "导入脚本", key: "issue-once");
        var again = await IssueAsync(_api.Admin, "m-01", "导入脚本", key: "issue-once");

        Assert.Equal(first, again);
        Assert.Single((await AccountEventsAsync()).OfType<TokenIssued>());
    }

    [Fact]
    public async Task a_secretary_manages_the_tokens_of_their_branch_only_and_a_member_none()
    {
        var secretary = _api.Client(_api.Token(Role.Secretary, "secretary-b1", ["b1"]));
        var (_, id) = await IssueAsync(secretary, "m-01", "支部脚本");
        (await RevokeAsync(secretary, "m-01", id)).ShouldBe(HttpStatusCode.OK);

        var head = await _api.HeadAsync();
        (await secretary.PostJsonAsync("/api/accounts/m-09/tokens", new { name = "x" })).ShouldBeProblem(HttpStatusCode.Forbidden, "account-forbidden");
        (await secretary.GetJsonAsync("/api/accounts/m-09/tokens")).ShouldBeProblem(HttpStatusCode.Forbidden, "account-forbidden");
        var member = _api.Client(_api.Token(Role.Member, "m-01", member: "m-01"));
        (await member.PostJsonAsync("/api/accounts/m-01/tokens", new { name = "x" })).ShouldBeProblem(HttpStatusCode.Forbidden);
        Assert.Equal(head, await _api.HeadAsync());
    }

    private static string Pad(string s) => s.Replace('-', '+').Replace('_', '/') + new string('=', (4 - s.Length % 4) % 4);
}

/// #18: the signing key lives outside the data directory by default, and the server refuses a key file that
/// group or others can read, saying how to fix it.
public sealed class the_signing_key_file : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-key-").FullName;

    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    [Fact]
    public void is_by_default_in_the_users_configuration_directory_not_beside_the_database()
    {
        var path = SigningKey.KeyFilePath(Config(("Store:Path", Path.Combine(_dir, "points.db"))));

        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify),
            "pointsengine", SigningKey.FileName), path);
        Assert.False(path.StartsWith(_dir, StringComparison.Ordinal));
        Assert.Equal(Path.Combine(_dir, "elsewhere.key"), SigningKey.KeyFilePath(Config(("Auth:KeyFile", Path.Combine(_dir, "elsewhere.key")))));
    }

    [Fact]
    public async Task readable_by_others_stops_the_server_with_the_chmod_that_fixes_it()
    {
        if (OperatingSystem.IsWindows()) return;
        var key = Path.Combine(_dir, "signing.key");
        File.WriteAllText(key, new string('k', 48));
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var refused = Assert.Throws<SigningKeyExposedException>(() => SigningKey.LoadOrCreate(Config(("Auth:KeyFile", key))));
        Assert.Contains($"chmod 600 {key}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("拒绝启动", refused.Message, StringComparison.Ordinal);
        Assert.Contains("refuses to start", refused.Message, StringComparison.Ordinal);

        var start = await Record.ExceptionAsync(async () =>
        {
            await using var api = ApiHost.InDirectory(Path.Combine(_dir, "data"), b => b.UseSetting("Auth:KeyFile", key), testKey: false);
        });
        Assert.NotNull(start);
        Assert.Contains($"chmod 600 {key}", Chain(start), StringComparison.Ordinal);

        // Fixed as the message says: the server starts with it.
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var fixedApi = ApiHost.InDirectory(Path.Combine(_dir, "data2"), b => b.UseSetting("Auth:KeyFile", key), testKey: false);
        (await fixedApi.Admin.GetJsonAsync("/api/access/me")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public void a_key_left_beside_the_database_by_an_earlier_version_is_still_used_and_its_place_named()
    {
        var earlier = Path.Combine(_dir, SigningKey.FileName);
        File.WriteAllText(earlier, new string('e', 48));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(earlier, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var key = SigningKey.LoadOrCreate(Config(("Store:Path", Path.Combine(_dir, "points.db")), ("Auth:KeyFile", "")));

        Assert.Equal(new string('e', 48), System.Text.Encoding.UTF8.GetString(key.Bytes));
        Assert.Contains("move it to", key.Source, StringComparison.Ordinal);
    }

    private static string Chain(Exception? e)
    {
        var text = "";
        for (; e is not null; e = e.InnerException) text += e.Message + "\n";
        return text;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
