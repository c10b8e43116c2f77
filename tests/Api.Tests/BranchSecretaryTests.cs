using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Domain.Values;
using PointsEngine.TestSupport;

namespace PointsEngine.Api.Tests;

/// #18: the secretary of a branch is the organisation's fact, recorded by an admin and checked by the domain
/// (the appointee is one of the branch's members; only the secretary in office is relieved); a member's
/// account takes its role and branch from it on every request. Through the real pipeline on a SQLite file.
public sealed class when_the_organisation_names_a_branch_secretary : IAsyncLifetime
{
    private readonly ApiHost _api = ApiHost.OnSqlite();

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", "m-01", "m-02");
        await Setup.BranchAsync(_api.Admin, "b2", "m-21");
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private Task<Answer> AppointAsync(HttpClient who, string branch, string member, string key, DateOnly? on = null) =>
        who.PostJsonAsync($"/api/branches/{branch}/secretaries", new { member, occurredOn = on ?? Setup.Enrolled.AddDays(10) }, key);

    private Task<PageVisitor> SignedInAsync(string member) => Setup.SignedInAsync(_api, member);

    [Fact]
    public async Task the_appointee_must_be_a_member_of_the_branch_and_nothing_is_written_otherwise()
    {
        var head = await _api.HeadAsync();
        (await AppointAsync(_api.Admin, "b1", "m-21", "a-1")).ShouldBeProblem(HttpStatusCode.BadRequest, "member-not-in-branch");
        (await AppointAsync(_api.Admin, "b1", "m-99", "a-2")).ShouldBeProblem(HttpStatusCode.NotFound, "unknown-member");
        (await AppointAsync(_api.Admin, "b9", "m-01", "a-3")).ShouldBeProblem(HttpStatusCode.NotFound, "unknown-branch");
        (await AppointAsync(_api.Admin, "b1", "m-01", "a-4", on: new DateOnly(2024, 6, 1))).ShouldBeProblem(HttpStatusCode.BadRequest, "member-not-in-branch");
        (await _api.Admin.PostJsonAsync("/api/branches/b1/secretaries/m-01/relief", new { reason = "换届", occurredOn = Setup.Enrolled.AddDays(20) }, "r-1"))
            .ShouldBeProblem(HttpStatusCode.Conflict, "not-secretary");
        Assert.Equal(head, await _api.HeadAsync());
    }

    [Fact]
    public async Task only_an_admin_records_it_and_a_repeated_request_is_recorded_once()
    {
        var secretary = _api.Client(_api.Token(Role.Secretary, "secretary-b1", ["b1"]));
        (await AppointAsync(secretary, "b1", "m-01", "s-1")).ShouldBeProblem(HttpStatusCode.Forbidden);
        var first = (await AppointAsync(_api.Admin, "b1", "m-01", "a-1")).ShouldBe(HttpStatusCode.Created);
        var again = (await AppointAsync(_api.Admin, "b1", "m-01", "a-1")).ShouldBe(HttpStatusCode.Created);
        Assert.Equal(first["factId"], again["factId"]);
        (await AppointAsync(_api.Admin, "b1", "m-01", "a-2")).ShouldBeProblem(HttpStatusCode.Conflict, "already-secretary");
    }

    [Fact]
    public async Task a_successor_takes_the_branch_from_the_predecessor_on_their_next_requests()
    {
        var first = await SignedInAsync("m-01");
        var second = await SignedInAsync("m-02");
        (await AppointAsync(_api.Admin, "b1", "m-01", "a-1")).ShouldBe(HttpStatusCode.Created);
        Assert.Equal("200", (await first.GetAsync("/branches/b1/meetings/new")).Outcome);
        Assert.Equal("/denied", (await second.GetAsync("/branches/b1/meetings/new")).Outcome);

        // Dated before the term in office: refused, not re-ordered.
        (await AppointAsync(_api.Admin, "b1", "m-02", "a-2", on: Setup.Enrolled.AddDays(5))).ShouldBeProblem(HttpStatusCode.Conflict, "dated-before-term");
        (await AppointAsync(_api.Admin, "b1", "m-02", "a-3", on: Setup.Enrolled.AddDays(30))).ShouldBe(HttpStatusCode.Created);
        Assert.Equal("/denied", (await first.GetAsync("/branches/b1/meetings/new")).Outcome);
        Assert.Equal("200", (await second.GetAsync("/branches/b1/meetings/new")).Outcome);
        // Still a member: their own page stays theirs.
        Assert.Equal("200", (await first.GetAsync("/me")).Outcome);
    }

    [Fact]
    public async Task a_secretary_transferred_out_keeps_no_branch_even_before_the_relief_is_recorded()
    {
        var v = await SignedInAsync("m-01");
        (await AppointAsync(_api.Admin, "b1", "m-01", "a-1")).ShouldBe(HttpStatusCode.Created);
        Assert.Equal("200", (await v.GetAsync("/branches/b1/meetings/new")).Outcome);
        (await _api.Admin.PostJsonAsync("/api/members/m-01/transfers", new { toBranch = "b2", occurredOn = Setup.Enrolled.AddDays(40) }, "t-1"))
            .ShouldBe(HttpStatusCode.Created);
        Assert.Equal("/denied", (await v.GetAsync("/branches/b1/meetings/new")).Outcome);
        Assert.Equal("/denied", (await v.GetAsync("/branches/b2/meetings/new")).Outcome);
    }
}

/// #18 sign-in by name and branch (a branch with no phones on file), and the password hashes moved from
/// session 7's side file into the store's database on start.
public sealed partial class when_people_sign_in_by_name_and_branch : IAsyncLifetime
{
    private readonly ApiHost _api = ApiHost.OnSqlite();

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", "m-01", "m-02");
        await Setup.BranchAsync(_api.Admin, "b2", "m-21");
        foreach (var m in new[] { "m-01", "m-21" }) await Setup.SignedInAsync(_api, m);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task<PageVisitor.Visit> ByNameAsync(string name, string branch, string password)
    {
        var v = new PageVisitor(_api.PageClient());
        await v.GetAsync("/signin");
        return await v.PostAsync("/signin?handler=name", new() { ["name"] = name, ["branch"] = branch, ["password"] = password, ["returnUrl"] = "/me" }, "/signin");
    }

    [Fact]
    public async Task the_right_name_branch_and_password_sign_in_and_everything_else_gets_the_one_answer()
    {
        var ok = await ByNameAsync(" 党员 m-01 ", "b1", "the-right-password");
        Assert.Equal("/me", ok.Outcome);

        // Wrong password, a name not in that branch, a member of the branch without an account, nobody: one answer.
        var answers = new[]
        {
            await ByNameAsync("党员 m-01", "b1", "a-wrong-password"),
            await ByNameAsync("党员 m-21", "b1", "the-right-password"),
            await ByNameAsync("党员 m-02", "b1", "the-right-password"),
            await ByNameAsync("没有这个人", "b1", "the-right-password"),
        }.Select(a => $"{a.Outcome} {a.Code("signin-error")}").Distinct().ToList();
        Assert.Equal(["401 sign-in-failed"], answers);
    }

    [Fact]
    public async Task a_credentials_file_of_session_7_is_moved_into_the_store_on_start()
    {
        // The hash of a password as session 7 kept it: {stamp: hash} in credentials.json (0600).
        var hash = new PasswordHasher<object>().HashPassword(new object(), "an-old-password");
        var stamp = AccountBook.Stamp(hash);
        var dir = Directory.CreateTempSubdirectory("pe-cred-").FullName;
        var file = Path.Combine(dir, Credentials.FileName);
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new Dictionary<string, string> { [stamp] = hash, ["not-its-stamp"] = hash }));

        await using var api = ApiHost.InDirectory(dir, b => b.UseSetting("Auth:CredentialsFile", file));
        var credentials = api.Services.GetRequiredService<Credentials>();
        Assert.True(await credentials.VerifyAsync(stamp, "an-old-password", CancellationToken.None));
        Assert.False(await credentials.VerifyAsync(stamp, "another-password", CancellationToken.None));
        Assert.False(await credentials.VerifyAsync("not-its-stamp", "an-old-password", CancellationToken.None));
        Assert.False(File.Exists(file));
        Assert.True(File.Exists(file + ".migrated"));
    }
}

/// #18 "sliding expiry": a session's idle time starts again with each request, in every process. Session 7
/// ended a session not remembered 12 hours after sign-in however busy it was, and counted idle time in each
/// process's memory only (a restart or a second node counted from the sign-in).
public sealed class when_a_session_is_in_use : IAsyncLifetime
{
    private readonly ShiftedClock _clock = new();
    private readonly ApiHost _api;

    public when_a_session_is_in_use() =>
        _api = ApiHost.OnSqlite(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", "m-01");
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task it_outlives_the_working_day_another_process_sees_its_last_visit_and_idle_it_ends()
    {
        var v = await Setup.SignedInAsync(_api, "m-01");
        var cookie = v.Cookie(AccountSessions.CookieName)!;

        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromHours(11));
            Assert.Equal("200", (await v.GetAsync("/me")).Outcome);
        }

        // Another process on the same database, nothing in its memory: it finds the last visit in the store.
        var other = ActivatorUtilities.CreateInstance<AccountSessions>(_api.Services);
        _clock.Advance(TimeSpan.FromHours(11));
        Assert.NotNull((await other.CheckAsync(cookie, CancellationToken.None)).Grant);

        _clock.Advance(TimeSpan.FromHours(13));
        Assert.Equal("/signin", (await v.GetAsync("/me")).Outcome);
    }
}
