using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Api.Workflows;
using PointsEngine.Domain.Accounts;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Api.Pages.Accounts;

/// One account (#18), for an admin or the secretary of the member's branch (<see cref="AccountAccess"/>):
/// disable or enable it, send a new one-time link (a forgotten password: the old password stops working once
/// the new one is set), and its integration tokens: issue one with a name and a lifetime (shown once), list,
/// revoke one by one.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Recorder)]
public sealed class AccountModel(
    AccountBook book, AccountInvitations invitations, IntegrationTokens tokens, OrganisationDirectory directory,
    IOptions<AccessSettings> settings, TimeProvider clock) : PageModel
{
    public static readonly IReadOnlyDictionary<string, string> FieldLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["name"] = "令牌名称", ["days"] = "有效天数",
    };

    public AccountState Account { get; private set; } = null!;
    public string FormKey { get; private set; } = FormWrite.NewKey();
    public FormErrors Errors { get; private set; } = FormErrors.None;
    public string? Done { get; private set; }
    public IntegrationTokens.Issued? NewToken { get; private set; }
    public InvitationLink? NewLink { get; private set; }
    public string? PostedName { get; private set; }
    public int Days { get; private set; } = AccountTokens.DefaultLifetimeDays;
    public DateTimeOffset Now => clock.GetUtcNow();
    public string BaseUrl => $"{Request.Scheme}://{Request.Host}{Request.PathBase}";

    public async Task<IActionResult> OnGetAsync(string account, CancellationToken ct) => await LoadAsync(account, ct) ?? Page();

    public Task<IActionResult> OnPostDisableAsync(string account, CancellationToken ct) =>
        StepAsync(account, s => AccountRules.Disable(s, Caller.From(User).Subject, "停用", clock.GetUtcNow()), "账号已停用，其所有登录和令牌即刻失效。", ct);

    public Task<IActionResult> OnPostEnableAsync(string account, CancellationToken ct) =>
        StepAsync(account, s => AccountTokens.Enable(s, Caller.From(User).Subject, clock.GetUtcNow()), "账号已启用，可以重新登录。", ct);

    public async Task<IActionResult> OnPostRevokeAsync(string account, string? token, CancellationToken ct)
    {
        if (await LoadAsync(account, ct) is { } refused) return refused;
        var (state, no) = await tokens.RevokeAsync(account, token ?? "", Caller.From(User).Subject, ct);
        return Answer(state, no, "token", $"令牌已收回，即刻失效。");
    }

    /// A new one-time link; with the form's key, a double click makes the same link.
    public async Task<IActionResult> OnPostLinkAsync(string account, string? formKey, CancellationToken ct)
    {
        if (await LoadAsync(account, ct) is { } refused) return refused;
        if (formKey is not { Length: > 8 and <= 100 }) return Refuse(new ApiProblem(400, "form-expired", "表单已过期，请刷新页面后重试。", "The form has expired; reload the page."));
        var a = Account;
        var link = (await invitations.InviteAsync([new Invitee(a.Account, a.LoginName, a.Name, a.Member, a.Role, a.Branches)], formKey,
            TimeSpan.FromDays(settings.Value.InvitationDays), Caller.From(User).Subject, ct)).Single();
        if (link.Refusal is { } no) return Refuse(no.ToProblem("account"));
        NewLink = link;
        await LoadAsync(account, ct);
        Done = "已生成新的一次性链接；设置新密码后，旧密码即失效。";
        return Page();
    }

    public async Task<IActionResult> OnPostTokenAsync(string account, string? name, int? days, string? formKey, CancellationToken ct)
    {
        if (await LoadAsync(account, ct) is { } refused) return refused;
        (PostedName, Days) = (name, days ?? AccountTokens.DefaultLifetimeDays);
        var e = new FieldErrors();
        var label = e.Text(name, "name", max: AccountTokens.MaxNameLength);
        if (Days is < 1 or > AccountTokens.MaxLifetimeDays)
            e.Add("days", "out-of-range", $"有效期须为 1–{AccountTokens.MaxLifetimeDays} 天。", $"A token lasts 1–{AccountTokens.MaxLifetimeDays} days.");
        if (formKey is not { Length: > 8 and <= 100 }) e.Add(FormWrite.KeyField, "required", "表单已过期，请刷新页面后重试。", "The form has expired; reload the page.");
        if (e.Any) return Refuse(e.ToProblem());
        var (issued, no) = await tokens.IssueAsync(account, label, Days, Caller.From(User).Subject, formKey, ct);
        if (no is not null) return Refuse(no.ToProblem(no.Code switch { "out-of-range" => "days", "name-required" => "name", _ => "account" }));
        NewToken = issued;
        await LoadAsync(account, ct);
        Done = $"已签发令牌“{issued!.Info.Name}”。请现在复制：离开此页后不再显示。";
        (PostedName, Days) = (null, AccountTokens.DefaultLifetimeDays);
        return Page();
    }

    private async Task<IActionResult> StepAsync(string account, Func<AccountState, AccountDecision> step, string done, CancellationToken ct)
    {
        if (await LoadAsync(account, ct) is { } refused) return refused;
        var (state, no) = await book.DecideAsync(account, s => step(s!), Caller.From(User).Subject, ct);
        return Answer(state, no, "account", done);
    }

    private IActionResult Answer(AccountState? state, Refusal? no, string field, string done)
    {
        if (no is not null) return Refuse(no.ToProblem(field));
        Account = state!;
        Done = done;
        return Page();
    }

    private IActionResult Refuse(ApiProblem problem)
    {
        Errors = new FormErrors(problem, FieldLabels);
        Response.StatusCode = problem.Status;
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(string account, CancellationToken ct)
    {
        await book.CatchUpAsync(ct);
        if (book.Find(account) is not { } state) return NotFound();
        if (!AccountAccess.Manages(Caller.From(User), state, directory.Current)) return Forbid(PageTokenHandler.SchemeName);
        Account = state;
        return null;
    }
}
