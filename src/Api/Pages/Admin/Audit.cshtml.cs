using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Api.Web;

namespace PointsEngine.Api.Pages.Admin;

/// 账号审计 (#18): the account events — invited, activated, password changed, disabled, sessions, tokens —
/// with who did it, when and for whom; filterable by account and kind. No secret is shown.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Admin)]
public sealed class AuditModel(AccountAudit audit, AccountBook book) : PageModel
{
    public const int Limit = 500;

    public IReadOnlyList<AccountAudit.Entry> Entries { get; private set; } = [];
    public string? Account { get; private set; }
    public string? Kind { get; private set; }

    public async Task OnGetAsync(string? account, string? kind, CancellationToken ct)
    {
        Account = string.IsNullOrWhiteSpace(account) ? null : account.Trim();
        Kind = AccountAudit.Kinds.Any(k => k.Kind == kind) ? kind : null;
        await book.CatchUpAsync(ct);
        Entries = await audit.ReadAsync(Account, Kind, Limit, ct);
    }

    /// The account's name for the table: "张三（m-01）".
    public string Who(string account) => book.Find(account) is { } a ? $"{a.Name}（{account}）" : account;
}
