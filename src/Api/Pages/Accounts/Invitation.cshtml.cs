using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Web;
using PointsEngine.Domain.Accounts;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Api.Pages.Accounts;

/// The one-time link (#18) a person opens on their phone: choose a password (the rules shown), and be
/// signed in on 我的积分. A used, expired, withdrawn or unknown link says so in Chinese and changes nothing.
public sealed class InvitationModel(AccountBook book, Credentials credentials, AccountSessions sessions, TimeProvider clock) : PageModel
{
    public AccountState? Account { get; private set; }
    public Refusal? LinkProblem { get; private set; }
    public FormErrors Errors { get; private set; } = FormErrors.None;

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken ct)
    {
        await LoadAsync(code, ct);
        if (LinkProblem is not null) Response.StatusCode = LinkProblem.Kind == RefusalKind.NotFound ? 404 : 410;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string code, string? password, string? confirm, bool remember, CancellationToken ct)
    {
        await LoadAsync(code, ct);
        if (LinkProblem is not null || Account is null)
        {
            Response.StatusCode = 410;
            return Page();
        }
        if (PasswordRules.Check(password, confirm, Account.LoginName) is { } bad)
        {
            var e = new FieldErrors();
            e.Add(bad.Code == "mismatch" ? "confirm" : "password", bad.Code, bad.Zh, bad.En);
            Errors = new FormErrors(e.ToProblem());
            Response.StatusCode = 400;
            return Page();
        }
        var stamp = await credentials.AddAsync(password!, ct);
        var cookie = AccountBook.NewSecret();
        var session = sessions.NewSession(Account.Account, cookie, Request.Headers.UserAgent.ToString(), remember);
        var (_, refused) = await book.DecideAsync(Account.Account,
            s => AccountRules.Redeem(s!, AccountBook.Stamp(code), stamp, session, clock.GetUtcNow()), Account.Account, ct);
        if (refused is not null)
        {
            await credentials.ForgetAsync(stamp, ct);
            LinkProblem = refused;
            Response.StatusCode = 410;
            return Page();
        }
        if (Account.PasswordStamp != stamp) await credentials.ForgetAsync(Account.PasswordStamp, ct);
        Response.Cookies.Delete(PageTokenHandler.CookieName, PageTokenHandler.CookieFor(Request, null));
        Response.Cookies.Append(AccountSessions.CookieName, cookie,
            PageTokenHandler.SessionCookie(Request, remember ? DateTimeOffset.UtcNow + AccountSessions.RememberedIdle : null));
        return LocalRedirect(Account.Member is null ? "/" : "/me");
    }

    private async Task LoadAsync(string code, CancellationToken ct)
    {
        await book.CatchUpAsync(ct);
        Account = code.Length is > 0 and <= 64 ? book.FindByInvitation(code) : null;
        var stamp = AccountBook.Stamp(code);
        LinkProblem = AccountRules.LinkRefusal(Account?.Invitations.FirstOrDefault(i => i.Stamp == stamp), clock.GetUtcNow());
    }
}
