using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Api.Web;
using PointsEngine.Domain.Accounts;

namespace PointsEngine.Api.Pages.Accounts;

/// 我的账号 (#18): where the person is signed in, and "sign out everywhere".
public sealed class MineModel(AccountBook book, AccountSessions sessions) : PageModel
{
    public AccountState? Account { get; private set; }
    public string? Current { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await book.CatchUpAsync(ct);
        Account = book.Find(Caller.From(User).Subject);
        Current = Request.Cookies.TryGetValue(AccountSessions.CookieName, out var c) && c.Length <= 64 ? AccountBook.Stamp(c) : null;
        return Page();
    }

    public DateTimeOffset LastSeen(SessionStarted s) => sessions.LastSeen(s);

    public async Task<IActionResult> OnPostEverywhereAsync(CancellationToken ct)
    {
        await sessions.SignOutEverywhereAsync(Caller.From(User).Subject, ct);
        Response.Cookies.Delete(AccountSessions.CookieName, PageTokenHandler.SessionCookie(Request, null));
        return Redirect("/signin?reason=signed-out");
    }
}
