using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Domain.Accounts;
using PointsEngine.Api.Hosting;
using PointsEngine.Api.Web;
using PointsEngine.Api.Tests.Support;

namespace PointsEngine.Api.Tests;

/// Every web page route and handler (GET and POST) × every kind of caller, from one table, like the API's
/// role matrix (#16, "the web role test covers 17 GETs and no POSTs"). The table must name every page
/// handler the server maps, so a new page cannot be missed. Each POST is also sent without an antiforgery
/// token and with another signed-in person's, and must be refused (400) with nothing written.
/// The pages use the API's read rule (#16 finding 2.6): a member who moved b0→b1 in May 2024 is not
/// readable this year by b0's secretary, and is for 2024.
public sealed partial class the_page_role_matrix : IAsyncLifetime
{
    public enum Caller
    {
        Anonymous, Admin, Appraiser, SecretaryOfBranch, SecretaryOfOtherBranch, Member, OtherMember,
        /// m-03 left the organisation (from b1) in May 2024; their token still holds.
        FormerMember,
        /// The secretary of b0, which m-01 left for b1 in May 2024.
        SecretaryOfFormerBranch,
    }

    private static readonly Caller[] Everyone = Enum.GetValues<Caller>();
    private static readonly Caller[] SignedIn = [.. Everyone.Where(c => c != Caller.Anonymous)];
    private static readonly Caller[] Members = [Caller.Member, Caller.OtherMember, Caller.FormerMember];
    private static readonly Caller[] AdminOnly = [Caller.Admin];
    private static readonly Caller[] Recorders = [Caller.Admin, Caller.SecretaryOfBranch];
    private static readonly Caller[] BranchStaff = [Caller.Admin, Caller.Appraiser, Caller.SecretaryOfBranch];
    /// m-01's pages this year: staff with b1 and m-01 themself (not b0's secretary: m-01 left b0 in 2024).
    private static readonly Caller[] MemberNow = [Caller.Admin, Caller.Appraiser, Caller.SecretaryOfBranch, Caller.Member];
    private static readonly Caller[] MemberIn2024 = [.. MemberNow, Caller.SecretaryOfFormerBranch];

    private static readonly int ThisYear = DateTime.Now.Year;
    private const string On = "2025-06-01";

    /// A GET path, or a POST path with its form fields (the antiforgery field is added per variant).
    private sealed record Request(string Path, IReadOnlyDictionary<string, string>? Form = null);

    /// Allowed callers get <see cref="Ok"/> (200 or the redirect a success answers with); the rest are refused:
    /// anonymous to the sign-in page, the others to the "denied" page, unless <see cref="Refused"/> says otherwise.
    private sealed record Row(string Method, string Route, Caller[] Allowed, Func<Context, Task<Request>> Make, string Ok = "200", Func<Caller, string?>? Refused = null)
    {
        public string Expected(Caller caller) =>
            Allowed.Contains(caller) ? Ok : Refused?.Invoke(caller) ?? (caller == Caller.Anonymous ? "/signin" : "/denied");
    }

    private static Func<Context, Task<Request>> Get(string path) => _ => Task.FromResult(new Request(path));

    private static Func<Context, Task<Request>> Post(string path, Func<Context, Dictionary<string, string>> form) =>
        c => Task.FromResult(new Request(path, form(c)));

    private static readonly Row[] Table =
    [
        new("GET", "/", Everyone, Get("/")),
        new("GET", "/signin", Everyone, Get("/signin")),
        new("GET", "/denied", Everyone, Get("/denied"), Ok: "403"), // the page that says "no", with its status
        new("GET", "/signout", Everyone, Get("/signout"), Ok: "/"),
        new("POST", "/signin?handler=Token", Everyone, Post("/signin?handler=Token", c => new() { ["token"] = c.AppraiserToken, ["returnUrl"] = "/" }), Ok: "/"),
        // #18: a wrong password is the one refusal (401) for anyone, signed in or not.
        new("POST", "/signin", Everyone, Post("/signin", c => new() { ["login"] = c.Fresh("nobody"), ["password"] = "not-the-password", ["returnUrl"] = "/" }), Ok: "401"),
        // #18: name and branch where a branch has no phones on file; the same one answer for a name nobody has.
        new("POST", "/signin?handler=Name", Everyone, Post("/signin?handler=Name", c => new() { ["name"] = c.Fresh("nobody"), ["branch"] = "b1", ["password"] = "not-the-password", ["returnUrl"] = "/" }), Ok: "401"),
        // #18: the one-time link; an unknown one says so (404), and choosing a password through it is refused (410).
        new("GET", "/i/{code}", Everyone, Get("/i/no-such-link-code"), Ok: "404"),
        new("POST", "/i/{code}", Everyone, Post("/i/no-such-link-code", _ => new() { ["password"] = "a-long-password", ["confirm"] = "a-long-password" }), Ok: "410"),
        new("GET", "/account", SignedIn, Get("/account")),
        new("GET", "/branches/{branch}/accounts", Recorders, Get("/branches/b1/accounts")),
        new("POST", "/branches/{branch}/accounts?handler=Invite", Recorders, Post("/branches/b1/accounts?handler=Invite", c => new() { ["formKey"] = c.Key(), ["member"] = "m-04" })),
        new("POST", "/branches/{branch}/accounts?handler=Withdraw", Recorders, Post("/branches/b1/accounts?handler=Withdraw", _ => new() { ["member"] = "m-04" })),
        // #18: one account's page (m-04's, invited by the row above): admins and the secretary of m-04's branch.
        new("GET", "/accounts/{account}", Recorders, Get("/accounts/m-04")),
        new("POST", "/accounts/{account}?handler=Enable", Recorders, Post("/accounts/m-04?handler=Enable", _ => [])),
        new("POST", "/accounts/{account}?handler=Token", Recorders, Post("/accounts/m-04?handler=Token", c => new() { ["formKey"] = c.Key(), ["name"] = c.Fresh("脚本"), ["days"] = "30" })),
        new("POST", "/accounts/{account}?handler=Revoke", Recorders, async c => new Request("/accounts/m-04?handler=Revoke",
            new Dictionary<string, string> { ["token"] = await c.AccountTokenAsync("m-04") })),
        new("POST", "/accounts/{account}?handler=Link", Recorders, Post("/accounts/m-04?handler=Link", c => new() { ["formKey"] = c.Key() })),
        new("POST", "/accounts/{account}?handler=Disable", Recorders, Post("/accounts/m-04?handler=Disable", _ => [])),
        // #18: every account, inviting appraisers and admins, and the audit of account events: admins only.
        new("GET", "/admin/accounts", AdminOnly, Get("/admin/accounts")),
        new("POST", "/admin/accounts?handler=Invite", AdminOnly, Post("/admin/accounts?handler=Invite", c => new() { ["formKey"] = c.Key(), ["name"] = "考核员", ["login"] = c.Fresh("kh"), ["role"] = "appraiser" })),
        new("GET", "/admin/audit", AdminOnly, Get("/admin/audit?kind=token-issued")),
        new("POST", "/branches/{branch}/accounts?handler=Disable", Recorders, Post("/branches/b1/accounts?handler=Disable", _ => new() { ["member"] = "m-04" })),
        new("GET", "/me", Members, Get("/me"), Refused: c => c == Caller.Anonymous ? "/signin" : "/"),
        new("GET", "/members/{member?}", MemberNow, Get($"/members/m-01?year={ThisYear}")),
        new("GET", "/members/{member?}", MemberIn2024, Get("/members/m-01?year=2024")),
        new("GET", "/members/{member}/report", MemberNow, Get($"/members/m-01/report?year={ThisYear}")),
        new("GET", "/members/{member}/report", MemberIn2024, Get("/members/m-01/report?year=2024")),
        // The branch's ranking: staff with b1, and b1's members today (the published notice, as the API shows it).
        new("GET", "/branches/{branch}/ranking", [.. BranchStaff, Caller.Member, Caller.OtherMember, Caller.FormerMember], Get("/branches/b1/ranking")),
        // m-01 left b0 in 2024: b0's notices are no longer theirs.
        new("GET", "/branches/{branch}/ranking", [Caller.Admin, Caller.Appraiser, Caller.SecretaryOfFormerBranch], Get("/branches/b0/ranking")),
        new("GET", "/branches/{branch}/report", BranchStaff, Get($"/branches/b1/report?year={ThisYear}")),
        // #21: the committee's documents as downloads, for whoever may read the report.
        new("GET", "/branches/{branch}/report?handler=Xlsx", BranchStaff, Get($"/branches/b1/report?handler=xlsx&year={ThisYear}")),
        new("GET", "/branches/{branch}/report?handler=Pdf", BranchStaff, Get($"/branches/b1/report?handler=pdf&year={ThisYear}")),
        // #21: the printable 公示, for whoever may read the notice (none is published here: those allowed learn it is not found).
        new("GET", "/branches/{branch}/notices/{period}/print", [.. BranchStaff, Caller.Member, Caller.OtherMember, Caller.FormerMember],
            Get("/branches/b1/notices/2025/print"), Ok: "404"),
        new("GET", "/branches/{branch}/meetings/new", Recorders, Get("/branches/b1/meetings/new")),
        new("GET", "/branches/{branch}/assessments", Recorders, Get("/branches/b1/assessments")),
        new("GET", "/branches/{branch}/volunteer-service/new", Recorders, Get("/branches/b1/volunteer-service/new")),
        new("GET", "/admin", AdminOnly, Get("/admin")),
        new("POST", "/admin?handler=Rules", AdminOnly, Post("/admin?handler=Rules", c => new() { ["formKey"] = c.Key() })),
        new("POST", "/admin?handler=Branch", AdminOnly, Post("/admin?handler=Branch", c => new() { ["formKey"] = c.Key(), ["branch"] = c.Fresh("nb"), ["name"] = "新支部", ["occurredOn"] = On })),
        new("POST", "/admin?handler=Group", AdminOnly, Post("/admin?handler=Group", c => new() { ["formKey"] = c.Key(), ["group"] = c.Fresh("g"), ["branch"] = "b1", ["name"] = "党小组", ["occurredOn"] = On })),
        new("POST", "/admin?handler=Members", AdminOnly, Post("/admin?handler=Members", c => new() { ["formKey"] = c.Key(), ["branch"] = "b1", ["lines"] = $"{c.Fresh("nm")},新党员", ["occurredOn"] = On })),
        // #18: the secretary of b1 is the organisation's fact (m-04 has no account here, so no caller's grant changes).
        new("POST", "/admin?handler=Secretary", AdminOnly, Post("/admin?handler=Secretary", c => new() { ["formKey"] = c.Key(), ["branch"] = "b1", ["member"] = "m-04", ["change"] = "appoint", ["occurredOn"] = On })),
        new("POST", "/admin?handler=Token", AdminOnly, Post("/admin?handler=Token", c => new() { ["role"] = "appraiser", ["subject"] = c.Fresh("ap"), ["days"] = "1" })),
        // #20: the admin's rule set. In this order for the admin: a draft started, edited in the form and as JSON (a
        // valid document), previewed, a publish asked (answered with the confirmation: nothing is written before it is
        // confirmed), discarded. The draft is the admin's own; nobody else reaches any of it.
        new("GET", "/admin/rules", AdminOnly, Get("/admin/rules?on=2025-06-01")),
        new("POST", "/admin/rules?handler=Start", AdminOnly, Post("/admin/rules?handler=Start", _ => new() { ["on"] = On })),
        new("POST", "/admin/rules?handler=Form", AdminOnly, Post("/admin/rules?handler=Form", _ => new() { ["$.baseScore"] = "60" })),
        new("POST", "/admin/rules?handler=Json", AdminOnly, Post("/admin/rules?handler=Json", c => new()
        {
            ["document"] = PointsEngine.TestSupport.TypicalRules.Document().Replace("default-2025.1", c.Fresh("matrix"), StringComparison.Ordinal),
        })),
        new("GET", "/admin/rules?handler=Preview", AdminOnly, Get("/admin/rules?handler=Preview&year=2025")),
        new("POST", "/admin/rules?handler=Publish", AdminOnly, Post("/admin/rules?handler=Publish", c => new() { ["formKey"] = c.Key(), ["effectiveFrom"] = "2099-01-01" })),
        new("POST", "/admin/rules?handler=Discard", AdminOnly, Post("/admin/rules?handler=Discard", _ => [])),
        new("POST", "/branches/{branch}/meetings/new", Recorders, Post("/branches/b1/meetings/new", c => new()
        {
            ["Form.FormKey"] = c.Key(), ["Form.OccurredOn"] = On, ["Form.Kind"] = "PartyLecture", ["Form.Mode"] = "InPerson", ["Form.Topic"] = c.Fresh("党课"),
            ["Form.Attendance[0].Member"] = "m-01", ["Form.Attendance[0].Status"] = "Present", ["Form.Attendance[1].Member"] = "m-02", ["Form.Attendance[1].Status"] = "Excused",
        })),
        new("POST", "/branches/{branch}/assessments?handler=Submit", Recorders, Post("/branches/b1/assessments?handler=Submit", c => new()
        {
            ["FormKey"] = c.Key(), ["Kind"] = "Suggestion", ["Member"] = "m-02", ["Title"] = c.Fresh("建议"), ["OccurredOn"] = On,
        })),
        new("POST", "/branches/{branch}/assessments?handler=Assess", Recorders, async c => new Request("/branches/b1/assessments?handler=Assess", new Dictionary<string, string>
        {
            ["FormKey"] = c.Key(), ["Fact"] = await c.SuggestionAsync(), ["Kind"] = "Suggestion", ["Level"] = "Valuable", ["OccurredOn"] = On,
        })),
        new("POST", "/branches/{branch}/volunteer-service/new", Recorders, Post("/branches/b1/volunteer-service/new", c => new()
        {
            ["formKey"] = c.Key(), ["member"] = "m-02", ["hours"] = "2", ["activity"] = c.Fresh("社区服务"), ["occurredOn"] = On,
        })),
        // #16 finding 2.4 through the pages' form: b0's secretary may not add hours to m-01, who left b0 in 2024
        // (dated while m-01 was in b0); the form answers 403 with the reason, and nothing is written.
        new("POST", "/branches/{branch}/volunteer-service/new", AdminOnly, Post("/branches/b0/volunteer-service/new", c => new()
        {
            ["formKey"] = c.Key(), ["member"] = "m-01", ["hours"] = "2", ["activity"] = c.Fresh("社区服务"), ["occurredOn"] = "2024-03-01",
        }), Refused: c => c == Caller.SecretaryOfFormerBranch ? "403" : null),
        // #20: a member's own 申报 (any member signed in with a member id; m-03 left in 2024 and is refused by the
        // workflow's own check, 409, like the API); the attachment by the API's claim-reading rule; the queue for recorders.
        new("GET", "/claims", Members, Get("/claims")),
        new("POST", "/claims", [Caller.Member, Caller.OtherMember], Post("/claims", c => new()
        {
            [Web.FormWrite.KeyField] = c.Key(), ["kind"] = "Suggestion", ["title"] = c.Fresh("建议"), ["occurredOn"] = On,
        }), Refused: c => c == Caller.FormerMember ? "409" : null),
        new("GET", "/claims?handler=Attachment", [Caller.Admin, Caller.Appraiser, Caller.SecretaryOfBranch, Caller.OtherMember],
            async c => new Request(await c.AttachmentPathAsync())),
        new("GET", "/branches/{branch}/claims", Recorders, Get("/branches/b1/claims")),
        new("GET", "/branches/{branch}/adjustments/new", Recorders, Get("/branches/b1/adjustments/new")),
        new("POST", "/branches/{branch}/adjustments/new", Recorders, Post("/branches/b1/adjustments/new", c => new()
        {
            ["FormKey"] = c.Key(), ["Member"] = "m-02", ["Direction"] = "deduct", ["Points"] = "1", ["Reason"] = c.Fresh("未按时交纳党费"), ["Approver"] = "支委会", ["OccurredOn"] = On,
        })),
        new("POST", "/branches/{branch}/claims?handler=Accept", Recorders, async c => new Request("/branches/b1/claims?handler=Accept", new Dictionary<string, string>
        {
            ["FormKey"] = c.Key(), ["Claim"] = await c.ClaimAsync(),
        })),
        new("POST", "/branches/{branch}/claims?handler=Reject", Recorders, async c => new Request("/branches/b1/claims?handler=Reject", new Dictionary<string, string>
        {
            ["FormKey"] = c.Key(), ["Claim"] = await c.ClaimAsync(), ["Reason"] = "请补充照片",
        })),
        // Check-in (签到, #20): b1's secretary opens and runs it; b1's members today (m-01, m-02) check in and ask leave
        // themselves; the secretary's screen sends them to their own page; m-03 (gone) is told it is not theirs.
        new("GET", "/branches/{branch}/checkins/new", Recorders, Get("/branches/b1/checkins/new")),
        new("POST", "/branches/{branch}/checkins/new", Recorders, Post("/branches/b1/checkins/new", c => new()
        {
            ["Form.FormKey"] = c.Key(), ["Form.Kind"] = "PartyLecture", ["Form.Mode"] = "Online", ["Form.Topic"] = c.Fresh("党课"),
            ["Form.Starts"] = c.At(-5, "yyyy-MM-ddTHH:mm"), ["Form.Ends"] = c.At(120, "yyyy-MM-ddTHH:mm"), ["Form.GraceMinutes"] = "10",
        }), Ok: "/checkins/*"),
        new("GET", "/checkins/{session}", Recorders, async c => new Request($"/checkins/{await c.CheckInAsync()}"), Refused: SentToTheirOwnPage),
        new("POST", "/checkins/{session}?handler=Mark", Recorders, async c => new Request($"/checkins/{await c.CheckInAsync()}?handler=Mark",
            new Dictionary<string, string> { ["formKey"] = c.Key(), ["member"] = "m-02", ["status"] = "Late" }), Refused: SentToTheirOwnPage),
        new("POST", "/checkins/{session}?handler=Approve", Recorders, async c => new Request($"/checkins/{await c.LeaveAsync()}?handler=Approve",
            new Dictionary<string, string> { ["formKey"] = c.Key(), ["member"] = "m-01" }), Refused: SentToTheirOwnPage),
        new("POST", "/checkins/{session}?handler=Close", Recorders, async c => new Request($"/checkins/{await c.CheckInAsync()}?handler=Close",
            new Dictionary<string, string> { ["formKey"] = c.Key() }), Refused: SentToTheirOwnPage),
        new("POST", "/checkins/{session}?handler=Confirm", Recorders, async c => new Request($"/checkins/{await c.CheckInAsync(close: true)}?handler=Confirm",
            new Dictionary<string, string> { ["formKey"] = c.Key() }), Refused: SentToTheirOwnPage),
        new("GET", "/c/{session}", [.. BranchStaff, Caller.Member, Caller.OtherMember], async c => new Request($"/c/{await c.CheckInAsync()}"), Refused: NotExpected),
        new("POST", "/c/{session}?handler=CheckIn", [Caller.Member, Caller.OtherMember], async c => new Request($"/c/{await c.CheckInAsync()}?handler=CheckIn",
            new Dictionary<string, string> { ["formKey"] = c.Key(), ["via"] = "qr" }), Refused: NotExpected),
        new("POST", "/c/{session}?handler=Leave", [Caller.Member, Caller.OtherMember], async c => new Request($"/c/{await c.CheckInAsync(startsIn: 30)}?handler=Leave",
            new Dictionary<string, string> { ["formKey"] = c.Key(), ["reason"] = "出差" }), Refused: NotExpected),
        // #19: b1's record list (台账), and revoking one of its records (an adjustment of m-02, recorded by the admin).
        new("GET", "/branches/{branch}/facts", Recorders, Get("/branches/b1/facts")),
        new("POST", "/branches/{branch}/facts?handler=Revoke", Recorders, async c => new Request("/branches/b1/facts?handler=Revoke", new Dictionary<string, string>
        {
            ["formKey"] = c.Key(), ["target"] = await c.AdjustmentAsync(), ["reason"] = "登记错误",
        })),
        // #20 公示 in the browser: b1's notices for whoever the API lets read them (as the ranking row), published by
        // recorders; an objection by the branch's members (the API's Member policy and notice rule); answers and
        // finalisation by recorders (within the window the result cannot be final yet: 409, said on the page).
        new("GET", "/branches/{branch}/notices", [.. BranchStaff, Caller.Member, Caller.OtherMember, Caller.FormerMember], Get("/branches/b1/notices")),
        new("POST", "/branches/{branch}/notices?handler=Publish", Recorders, Post("/branches/b1/notices?handler=Publish", c =>
        {
            var (year, month) = c.FreshMonth();
            return new() { ["formKey"] = c.Key(), ["kind"] = "month", ["year"] = year, ["index"] = month };
        })),
        new("GET", "/branches/{branch}/notices/{period}", [.. BranchStaff, Caller.Member, Caller.OtherMember, Caller.FormerMember],
            async c => new Request($"/branches/b1/notices/{await c.NoticeAsync()}")),
        new("POST", "/branches/{branch}/notices/{period}?handler=Object", Members, async c => new Request($"/branches/b1/notices/{await c.NoticeAsync()}?handler=Object",
            new Dictionary<string, string> { ["formKey"] = c.Key(), ["reason"] = c.Fresh("排名有误") })),
        new("POST", "/branches/{branch}/notices/{period}?handler=Answer", Recorders, async c =>
        {
            var (period, objection) = await c.ObjectionAsync();
            return new Request($"/branches/b1/notices/{period}?handler=Answer", new Dictionary<string, string>
            {
                ["formKey"] = c.Key(), ["objection"] = objection, ["outcome"] = "dismissed", ["reason"] = "经核对无误",
            });
        }),
        new("POST", "/branches/{branch}/notices/{period}?handler=Finalise", Recorders, async c => new Request($"/branches/b1/notices/{await c.NoticeAsync()}?handler=Finalise",
            new Dictionary<string, string> { ["formKey"] = c.Key() }), Ok: "409"),
        // Last: they end the caller's session.
        new("POST", "/signout", Everyone, Post("/signout", _ => []), Ok: "/signin"),
        new("POST", "/account?handler=Everywhere", SignedIn, Post("/account?handler=Everywhere", _ => []), Ok: "/signin"),
    ];

    private static string? SentToTheirOwnPage(Caller caller) => caller is Caller.Member or Caller.OtherMember ? "/c/*" : null;

    private static string? NotExpected(Caller caller) => caller == Caller.FormerMember ? "403" : null;

    /// An outcome as expected; "/c/*" stands for any path under /c/ (a redirect to a session named by its code).
    private static bool Same(string expected, string outcome) =>
        expected.EndsWith('*') ? outcome.StartsWith(expected[..^1], StringComparison.Ordinal) : outcome == expected;

    private sealed class Context(HttpClient admin, string appraiserToken, HttpClient claimant, HttpClient member)
    {
        /// A pending claim of m-02 in b1 with a photo, submitted by m-02 through the API; returns its id.
        public async Task<string> ClaimAsync() => (await ClaimWithPhotoAsync())["factId"]!;

        /// The page path of that claim's photo.
        public async Task<string> AttachmentPathAsync()
        {
            var id = (await ClaimWithPhotoAsync())["factId"]!;
            return $"/claims?handler=Attachment&claim={id}&sha256={Uploads.Sha256(Uploads.Png())}";
        }

        private async Task<Answer> ClaimWithPhotoAsync() =>
            (await claimant.PostClaimAsync("/api/claims?wait=true", new Dictionary<string, string> { ["kind"] = "Suggestion", ["title"] = Fresh("申报"), ["occurredOn"] = On },
                [("photo.png", Uploads.Png())])).ShouldBe(HttpStatusCode.Created);

        private int _next;

        public string At(int minutes, string format = "yyyy-MM-ddTHH:mm:sszzz") => DateTimeOffset.Now.AddMinutes(minutes).ToString(format, CultureInfo.InvariantCulture);

        /// A check-in session of b1 opened by the admin through the API (closed, if asked); returns its code.
        public async Task<string> CheckInAsync(int startsIn = -5, bool close = false)
        {
            var path = (await admin.PostJsonAsync("/api/branches/b1/checkins", new { kind = "党课", topic = Fresh("签到"), starts = At(startsIn), ends = At(120) }))
                .ShouldBe(HttpStatusCode.Created).Response.Headers.Location!.ToString();
            if (close) (await admin.PostJsonAsync($"{path}/close", new { })).ShouldBe(HttpStatusCode.Created);
            return path.Split('/')[^1];
        }

        /// A session not started yet for which m-01 has asked leave; returns its code.
        public async Task<string> LeaveAsync()
        {
            var code = await CheckInAsync(startsIn: 30);
            (await member.PostJsonAsync($"/api/checkins/{code}/leave", new { reason = "出差" })).ShouldBe(HttpStatusCode.Created);
            return code;
        }

        private string? _notice;
        private int _month;

        /// A month long past not yet published (each publication is a period of its own).
        public (string Year, string Month) FreshMonth()
        {
            var n = Interlocked.Increment(ref _month);
            return ((2001 + n / 12).ToString(CultureInfo.InvariantCulture), (n % 12 + 1).ToString(CultureInfo.InvariantCulture));
        }

        /// b1's notice of 2000, published by the admin through the API (once), its window open; returns its period.
        public async Task<string> NoticeAsync()
        {
            if (_notice is null)
            {
                (await admin.PostJsonAsync("/api/branches/b1/notices?wait=true", new { period = "2000" })).ShouldBe(HttpStatusCode.Created);
                _notice = "2000";
            }
            return _notice;
        }

        /// An objection of m-02 to that notice, raised through the API; returns the period and the objection's id.
        public async Task<(string Period, string Objection)> ObjectionAsync()
        {
            var period = await NoticeAsync();
            var raised = (await claimant.PostJsonAsync($"/api/branches/b1/notices/{period}/objections?wait=true", new { reason = Fresh("排名有误") }))
                .ShouldBe(HttpStatusCode.Created);
            return (period, raised["factId"]!);
        }

        public string AppraiserToken => appraiserToken;

        public string Fresh(string prefix) => $"{prefix}-{Interlocked.Increment(ref _next)}";

        public string Key() => $"web-{Guid.NewGuid():N}";

        /// An integration token the admin issued to the account through the API; returns its id.
        public async Task<string> AccountTokenAsync(string account) =>
            (await admin.PostJsonAsync($"/api/accounts/{account}/tokens", new { name = Fresh("令牌") })).ShouldBe(HttpStatusCode.Created)["info.id"]!;

        /// An adjustment of m-02 in b1, recorded by the admin through the API; returns its id.
        public async Task<string> AdjustmentAsync() =>
            (await admin.PostJsonAsync("/api/adjustments?wait=true", new { member = "m-02", points = -1, reason = Fresh("误记"), approver = "支委会", occurredOn = On })).ShouldBe(HttpStatusCode.Created)["factId"]!;

        /// A pending suggestion of m-02 in b1, recorded by the admin through the API; returns its id.
        public async Task<string> SuggestionAsync() =>
            (await admin.PostJsonAsync("/api/suggestions?wait=true", new { member = "m-02", title = Fresh("建议"), occurredOn = On })).ShouldBe(HttpStatusCode.Created)["factId"]!;
    }

    private readonly ApiHost _api = ApiHost.OnSqlite(b => b.WithClaimLimitsLifted());

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        foreach (var branch in new[] { "b0", "b1", "b2" })
            (await _api.Admin.PostJsonAsync("/api/branches", new { branch, name = $"{branch} 党支部", occurredOn = "2024-01-01" })).ShouldBe(HttpStatusCode.Created);
        foreach (var (member, branch) in new[] { ("m-01", "b0"), ("m-02", "b1"), ("m-03", "b1"), ("n-01", "b2"), ("m-04", "b1") })
            (await _api.Admin.PostJsonAsync("/api/members", new { member, name = $"党员 {member}", branch, occurredOn = "2024-01-01" })).ShouldBe(HttpStatusCode.Created);
        (await _api.Admin.PostJsonAsync("/api/members/m-01/transfers", new { toBranch = "b1", occurredOn = "2024-05-15" })).ShouldBe(HttpStatusCode.Created);
        (await _api.Admin.PostJsonAsync("/api/members/m-03/departures", new { reason = "转出党组织", occurredOn = "2024-05-15" })).ShouldBe(HttpStatusCode.Created);
        var head = await _api.HeadAsync();
        await _api.Services.GetRequiredService<ProjectionHost>().Runner.WaitForAsync(head).WaitAsync(TimeSpan.FromMinutes(2));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private Dictionary<Caller, string?> Tokens()
    {
        string T(Role role, string subject, IEnumerable<string>? branches = null, string? member = null) => _api.Token(role, subject, branches, member, TimeSpan.FromDays(1));
        return new()
        {
            [Caller.Anonymous] = null,
            [Caller.Admin] = T(Role.Admin, "admin-1"),
            [Caller.Appraiser] = T(Role.Appraiser, "appraiser-1"),
            [Caller.SecretaryOfBranch] = T(Role.Secretary, "secretary-b1", ["b1"]),
            [Caller.SecretaryOfOtherBranch] = T(Role.Secretary, "secretary-b2", ["b2"]),
            [Caller.SecretaryOfFormerBranch] = T(Role.Secretary, "secretary-b0", ["b0"]),
            [Caller.Member] = T(Role.Member, "m-01", member: "m-01"),
            [Caller.OtherMember] = T(Role.Member, "m-02", member: "m-02"),
            [Caller.FormerMember] = T(Role.Member, "m-03", member: "m-03"),
        };
    }

    [Fact]
    public async Task the_table_names_every_page_handler()
    {
        var loader = _api.Services.GetRequiredService<PageLoader>();
        var mapped = new List<string>();
        foreach (var endpoint in _api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not { } page) continue;
            var compiled = await loader.LoadAsync(page, endpoint.Metadata);
            var route = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            // A page without handler methods (the "denied" page) answers GET by rendering itself.
            if (compiled.HandlerMethods.Count == 0) mapped.Add($"GET {route}");
            mapped.AddRange(compiled.HandlerMethods.Select(h => $"{h.HttpMethod.ToUpperInvariant()} {route}{(h.Name is null ? "" : $"?handler={h.Name}")}"));
        }
        Assert.Equal(mapped.Distinct().Order(StringComparer.Ordinal), Table.Select(r => $"{r.Method} {r.Route}").Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task every_page_allows_exactly_its_callers_and_every_post_needs_the_callers_own_antiforgery_token()
    {
        var tokens = Tokens();
        await MatrixAsync(c => Task.FromResult(tokens[c] is { } t ? $"{PageTokenHandler.CookieName}={t}" : null), c => c, tokens[Caller.Appraiser]!);
    }

    /// #18: the same matrix with every caller signed in by an account session (login name and password), a
    /// fresh one for each request (the last rows end it). Roles come from the accounts and the organisation on
    /// each request: m-03, who left in 2024, holds an account but is signed in nowhere (treated as anonymous).
    [Fact]
    public async Task the_matrix_holds_the_same_for_account_sessions()
    {
        var sessions = await AccountSessionsAsync();
        await MatrixAsync(sessions, c => c == Caller.FormerMember ? Caller.Anonymous : c, Tokens()[Caller.Appraiser]!);
    }

    private async Task<Func<Caller, Task<string?>>> AccountSessionsAsync()
    {
        var invitations = _api.Services.GetRequiredService<AccountInvitations>();
        var book = _api.Services.GetRequiredService<AccountBook>();
        var credentials = _api.Services.GetRequiredService<Credentials>();
        var accounts = new Dictionary<Caller, Invitee>
        {
            [Caller.Admin] = new("person-admin", "admin-login", "管理员", null, Roles.Admin, []),
            [Caller.Appraiser] = new("person-appraiser", "appraiser-login", "考核人", null, Roles.Appraiser, []),
            [Caller.SecretaryOfBranch] = new("person-sec-b1", "13800000001", "书记一", null, Roles.Secretary, [new("b1")]),
            [Caller.SecretaryOfOtherBranch] = new("person-sec-b2", "13800000002", "书记二", null, Roles.Secretary, [new("b2")]),
            [Caller.SecretaryOfFormerBranch] = new("person-sec-b0", "13800000000", "书记零", null, Roles.Secretary, [new("b0")]),
            [Caller.Member] = new("m-01", "13900000001", "党员 m-01", new("m-01"), Roles.Member, []),
            [Caller.OtherMember] = new("m-02", "m-02", "党员 m-02", new("m-02"), Roles.Member, []),
            [Caller.FormerMember] = new("m-03", "m-03", "党员 m-03", new("m-03"), Roles.Member, []),
        };
        var links = await invitations.InviteAsync([.. accounts.Values], "matrix", TimeSpan.FromDays(1), "test", CancellationToken.None);
        foreach (var link in links)
        {
            Assert.Null(link.Refusal);
            var stamp = await credentials.AddAsync("matrix-password-1", CancellationToken.None);
            var (_, refused) = await book.DecideAsync(link.Invitee.Account, s => AccountRules.Redeem(s!, AccountBook.Stamp(link.Code!), stamp,
                new SessionStarted(s!.Account, AccountBook.Stamp(AccountBook.NewSecret()), "test", false, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1)), DateTimeOffset.UtcNow), "test");
            Assert.Null(refused);
        }
        var sessions = _api.Services.GetRequiredService<AccountSessions>();
        return async caller =>
        {
            if (!accounts.TryGetValue(caller, out var who)) return null;
            var cookie = AccountBook.NewSecret();
            var session = sessions.NewSession(who.Account, cookie, "matrix", false);
            var (_, refused) = await book.DecideAsync(who.Account, s => AccountRules.SignIn(s!, session), who.Account);
            Assert.Null(refused);
            return $"{AccountSessions.CookieName}={cookie}";
        };
    }

    private async Task MatrixAsync(Func<Caller, Task<string?>> cookieOf, Func<Caller, Caller> seenAs, string appraiserToken)
    {
        using var client = _api.PageClient();
        var forms = new Dictionary<Caller, Antiforgery>();
        foreach (var caller in Everyone) forms[caller] = await AntiforgeryAsync(client, await cookieOf(caller));
        using var claimant = _api.Client(Tokens()[Caller.OtherMember]!);
        using var member = _api.Client(Tokens()[Caller.Member]!);
        var context = new Context(_api.Admin, appraiserToken, claimant, member);
        var wrong = new List<string>();
        var counts = new Dictionary<string, int>();
        void Count(string kind) => counts[kind] = counts.GetValueOrDefault(kind) + 1;

        foreach (var row in Table)
        {
            foreach (var caller in Everyone)
            {
                var expected = row.Expected(seenAs(caller));
                var request = await row.Make(context);
                if (row.Method == "GET")
                {
                    Count("GET");
                    var got = await SendAsync(client, request, await cookieOf(caller), null);
                    if (!Same(expected, got.Outcome)) wrong.Add($"GET {request.Path} as {caller}: expected {expected}, got {got.Outcome}");
                    continue;
                }

                // Another signed-in person's form token (the CSRF case: the victim's cookies, the attacker's
                // hidden field), and the other person's whole pair; then no token at all. Each is refused and
                // writes nothing; an allowed caller's is refused by the antiforgery check itself (400).
                var other = forms[caller == Caller.Admin ? Caller.SecretaryOfBranch : Caller.Admin];
                var own = forms[caller];
                // Refused before the antiforgery check (not signed in, or not the page's role) or by it (400).
                var refusedAs = row.Allowed.Contains(seenAs(caller)) ? ["400"] : expected == "/signin" ? ["/signin"] : expected == "/denied" ? new[] { "/denied", "400" } : ["400"];
                foreach (var (variant, antiforgery) in new (string, Antiforgery?)[]
                {
                    ("no antiforgery token", null),
                    ("another user's form token", own with { FormToken = other.FormToken }),
                    ("another user's cookie and form token", other),
                })
                {
                    Count("POST refused");
                    var cookie = await cookieOf(caller);
                    var head = await _api.HeadAsync();
                    var got = await SendAsync(client, request with { Form = WithoutAntiforgery(request.Form!) }, cookie, antiforgery);
                    if (!refusedAs.Contains(got.Outcome)) wrong.Add($"POST {request.Path} as {caller} with {variant}: expected {string.Join(" or ", refusedAs)}, got {got.Outcome}");
                    if (await _api.HeadAsync() != head) wrong.Add($"POST {request.Path} as {caller} with {variant}: refused, yet the log moved");
                }

                Count("POST");
                var mine = await cookieOf(caller);
                var before = await _api.HeadAsync();
                var answer = await SendAsync(client, request, mine, own);
                if (!Same(expected, answer.Outcome)) wrong.Add($"POST {request.Path} as {caller}: expected {expected}, got {answer.Outcome} {Excerpt(answer.Body)}");
                if (!row.Allowed.Contains(seenAs(caller)) && await _api.HeadAsync() != before) wrong.Add($"POST {request.Path} as {caller}: refused, yet the log moved");
            }
        }

        Console.WriteLine($"page role matrix: {string.Join(", ", counts.Select(kv => $"{kv.Value} {kv.Key}"))} requests, {wrong.Count} wrong");
        Assert.True(wrong.Count == 0, $"{wrong.Count} cells wrong:\n{string.Join("\n", wrong)}");
    }

    [Fact]
    public async Task the_old_branchs_secretary_reads_a_member_who_left_in_2024_for_2024_only_on_the_pages_as_in_the_api()
    {
        // #16 finding 2.6: /members/{id}?year=2026 showed the old branch's secretary a member the API refused.
        var token = Tokens()[Caller.SecretaryOfFormerBranch];
        using var client = _api.PageClient();
        var api = _api.Client(token);
        foreach (var (year, page, status) in new[] { (ThisYear, "/denied", HttpStatusCode.Forbidden), (2024, "200", HttpStatusCode.OK) })
        {
            Assert.Equal(status, (await api.GetJsonAsync($"/api/members/m-01/standing?year={year}")).Status);
            Assert.Equal(page, (await SendAsync(client, new Request($"/members/m-01?year={year}"), $"pe_token={token}", null)).Outcome);
            Assert.Equal(page, (await SendAsync(client, new Request($"/members/m-01/report?year={year}"), $"pe_token={token}", null)).Outcome);
        }
    }

    /// The antiforgery cookie and the hidden field of one signed-in person's form.
    private sealed record Antiforgery(string Cookie, string FormToken);

    private sealed record Sent(string Outcome, string Body);

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"|type=\"hidden\" name=\"__af\" value=\"([^\"]+)\"|name=\"__af\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex FormTokenPattern();

    private static async Task<Antiforgery> AntiforgeryAsync(HttpClient client, string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/signin");
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        var match = FormTokenPattern().Match(html);
        Assert.True(match.Success, $"no antiforgery field on /signin: {Excerpt(html)}");
        var af = response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("pe_af=", StringComparison.Ordinal));
        return new Antiforgery(af, WebUtility.HtmlDecode(match.Groups.Values.Skip(1).First(g => g.Success).Value));
    }

    private static Dictionary<string, string> WithoutAntiforgery(IReadOnlyDictionary<string, string> form) => form.Where(kv => kv.Key != "__af").ToDictionary();

    private static async Task<Sent> SendAsync(HttpClient client, Request request, string? cookie, Antiforgery? antiforgery)
    {
        using var message = new HttpRequestMessage(request.Form is null ? HttpMethod.Get : HttpMethod.Post, request.Path);
        var cookies = new List<string>();
        if (cookie is not null) cookies.Add(cookie);
        if (antiforgery is not null) cookies.Add(antiforgery.Cookie);
        if (cookies.Count > 0) message.Headers.Add("Cookie", string.Join("; ", cookies));
        if (request.Form is { } form)
        {
            var fields = new Dictionary<string, string>(form);
            if (antiforgery is not null) fields["__af"] = antiforgery.FormToken;
            message.Content = new FormUrlEncodedContent(fields);
        }
        using var response = await client.SendAsync(message);
        var body = await response.Content.ReadAsStringAsync();
        var outcome = (int)response.StatusCode is >= 300 and < 400
            ? response.Headers.Location!.OriginalString.Split('?')[0]
            : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        return new Sent(outcome, body);
    }

    private static string Excerpt(string text) => text.Length <= 300 ? text : text[..300];
}
