using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Web;
using PointsEngine.Api.Workflows;
using PointsEngine.Domain.Accounts;

namespace PointsEngine.Api.Pages.Admin;

/// 全部账号 (#18): every account with its login, role, state and last sign-in, each linking to its page;
/// and the invitation of people who are no member of a branch roster: appraisers and further admins.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Admin)]
public sealed class AccountsModel(AccountBook book, AccountInvitations invitations, IOptions<AccessSettings> settings, TimeProvider clock) : PageModel
{
    public static readonly IReadOnlyDictionary<string, string> FieldLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["name"] = "姓名", ["login"] = "登录名", ["role"] = "角色",
    };

    public IReadOnlyList<AccountState> Accounts { get; private set; } = [];
    public string FormKey { get; private set; } = FormWrite.NewKey();
    public FormErrors Errors { get; private set; } = FormErrors.None;
    public InvitationLink? NewLink { get; private set; }
    public (string? Name, string? Login, string? Role) Posted { get; private set; }
    public DateTimeOffset Now => clock.GetUtcNow();
    public string BaseUrl => $"{Request.Scheme}://{Request.Host}{Request.PathBase}";

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostInviteAsync(string? name, string? login, string? role, string? formKey, CancellationToken ct)
    {
        Posted = (name, login, role);
        var e = new FieldErrors();
        var who = e.Text(name, "name", max: 100);
        var loginName = e.Text(login, "login", max: 64);
        if (loginName is { Length: > 0 } && AccountBook.LoginKey(loginName).Length == 0)
            e.Add("login", "invalid-text", "「登录名」须含字母或数字。", "The login name needs letters or digits.");
        if (role is not (Roles.Admin or Roles.Appraiser))
            e.Add("role", "unknown-value", "请选择管理员或考核人员。", "Choose admin or appraiser.");
        if (formKey is not { Length: > 8 and <= 100 }) e.Add(FormWrite.KeyField, "required", "表单已过期，请刷新页面后重试。", "The form has expired; reload the page.");
        if (!e.Any)
        {
            var key = AccountBook.LoginKey(loginName!);
            var link = (await invitations.InviteAsync([new Invitee($"person-{key}", key, who!, null, role!, [])], formKey!,
                TimeSpan.FromDays(settings.Value.InvitationDays), Caller.From(User).Subject, ct)).Single();
            if (link.Refusal is null)
            {
                NewLink = link;
                Posted = default;
                FormKey = FormWrite.NewKey();
                await LoadAsync(ct);
                return Page();
            }
            Errors = new FormErrors(link.Refusal.ToProblem("login"), FieldLabels);
        }
        else Errors = new FormErrors(e.ToProblem(), FieldLabels);
        Response.StatusCode = Errors.Problem!.Status;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        await book.CatchUpAsync(ct);
        Accounts = [.. book.All.OrderBy(a => a.Role == Roles.Admin ? 0 : a.Role == Roles.Appraiser ? 1 : a.Role == Roles.Secretary ? 2 : 3)
            .ThenBy(a => a.Account, StringComparer.Ordinal)];
    }
}
