using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Domain.Accounts;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Pages.Branches;

/// 账号与邀请 (#18): the branch's secretary (or an admin) invites the whole roster in one action and gets
/// a printable sheet (name, QR code, short link, expiry) and a text per person for the WeChat/QQ group;
/// sends one person a new link (a forgotten password), withdraws a link, or disables an account.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Recorder)]
public sealed class AccountsModel(
    AccountBook book, AccountInvitations invitations, OrganisationDirectory directory, IOptions<AccessSettings> settings, TimeProvider clock) : PageModel
{
    public string BranchName { get; private set; } = "";
    public string Branch { get; private set; } = "";
    public IReadOnlyList<MemberEntry> Members { get; private set; } = [];
    public string FormKey { get; private set; } = FormWrite.NewKey();
    public int Days { get; private set; }
    public IReadOnlyDictionary<string, string> Phones { get; private set; } = new Dictionary<string, string>();
    public IReadOnlyList<InvitationLink>? Sheet { get; private set; }
    public FormErrors Errors { get; private set; } = FormErrors.None;
    public string? Done { get; private set; }
    public DateTimeOffset Now => clock.GetUtcNow();

    public string BaseUrl => $"{Request.Scheme}://{Request.Host}{Request.PathBase}";

    public AccountState? AccountOf(MemberEntry m) => book.Find(m.Id.Value);

    public async Task<IActionResult> OnGetAsync(string branch, CancellationToken ct)
    {
        if (await LoadAsync(branch, ct) is { } refused) return refused;
        Days = settings.Value.InvitationDays;
        return Page();
    }

    /// The whole roster (everyone without a working account), or <paramref name="member"/> alone (a new link).
    public async Task<IActionResult> OnPostInviteAsync(string branch, string? member, int? days, Dictionary<string, string>? phones, string? formKey, CancellationToken ct)
    {
        if (await LoadAsync(branch, ct) is { } refused) return refused;
        Days = days ?? settings.Value.InvitationDays;
        Phones = phones ?? [];
        var e = new FieldErrors();
        if (Days is < 1 or > 90) e.Add("days", "out-of-range", "链接有效期须为 1–90 天。", "A link lasts 1–90 days.");
        if (formKey is not { Length: > 8 and <= 100 }) e.Add(FormWrite.KeyField, "required", "表单已过期，请刷新页面后重试。", "The form has expired; reload the page.");
        var chosen = member is null ? Members.Where(m => AccountOf(m) is not { Active: true }).ToList() : [.. Members.Where(m => m.Id.Value == member)];
        if (member is not null && chosen.Count == 0) e.Add("member", "unknown-member", $"本支部没有党员 {member}。", $"This branch has no member {member}.");
        var invitees = new List<Invitee>();
        foreach (var m in chosen)
        {
            var login = Phones.TryGetValue(m.Id.Value, out var p) && !string.IsNullOrWhiteSpace(p) ? AccountBook.LoginKey(p) : AccountOf(m)?.LoginName ?? m.Id.Value;
            if (login != m.Id.Value && login != AccountOf(m)?.LoginName && !IsMobile(login))
                e.Add($"phones[{m.Id}]", "not-a-mobile", $"{m.Name} 的手机号应为 11 位数字，以 1 开头。", $"{m.Name}'s mobile number should be 11 digits starting with 1.");
            invitees.Add(new Invitee(m.Id.Value, login, m.Name, m.Id, AccountOf(m)?.Role ?? Roles.Member, AccountOf(m)?.Branches ?? []));
        }
        if (e.Any)
        {
            Errors = new FormErrors(e.ToProblem());
            Response.StatusCode = 400;
            return Page();
        }
        Sheet = await invitations.InviteAsync(invitees, formKey!, TimeSpan.FromDays(Days), Caller.From(User).Subject, ct);
        FormKey = FormWrite.NewKey();
        return Page();
    }

    public Task<IActionResult> OnPostDisableAsync(string branch, string member, CancellationToken ct) =>
        StepAsync(branch, member, s => AccountRules.Disable(s, Caller.From(User).Subject, "停用", clock.GetUtcNow()), "已停用，其所有登录已结束。", ct);

    public Task<IActionResult> OnPostWithdrawAsync(string branch, string member, CancellationToken ct) =>
        StepAsync(branch, member, s => AccountRules.Withdraw(s, Caller.From(User).Subject, clock.GetUtcNow()), "邀请链接已收回。", ct);

    private async Task<IActionResult> StepAsync(string branch, string member, Func<AccountState, AccountDecision> step, string done, CancellationToken ct)
    {
        if (await LoadAsync(branch, ct) is { } refused) return refused;
        Days = settings.Value.InvitationDays;
        var who = Members.FirstOrDefault(m => m.Id.Value == member);
        if (who is null || AccountOf(who) is null) return NotFound();
        var (_, no) = await book.DecideAsync(member, s => step(s!), Caller.From(User).Subject, ct);
        if (no is not null)
        {
            Errors = new FormErrors(new ApiProblem(409, no.Code, no.Chinese, no.English));
            Response.StatusCode = 409;
        }
        else Done = $"{who.Name}：{done}";
        return Page();
    }

    private static bool IsMobile(string login) => login.Length == 11 && login[0] == '1' && login.All(char.IsAsciiDigit);

    private async Task<IActionResult?> LoadAsync(string branch, CancellationToken ct)
    {
        var org = directory.Current;
        if (!Ids.TryParse<BranchId>(branch, out var id) || !org.Branches.TryGetValue(id, out var entry)) return NotFound();
        if (!Caller.From(User).Manages(id)) return Forbid(PageTokenHandler.SchemeName);
        await book.CatchUpAsync(ct);
        (Branch, BranchName) = (id.Value, entry.Name);
        Members = Roster.Of(org, id, DateOnly.FromDateTime(clock.GetLocalNow().DateTime));
        return null;
    }
}
