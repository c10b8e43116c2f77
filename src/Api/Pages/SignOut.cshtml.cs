using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Api.Web;

namespace PointsEngine.Api.Pages;

/// Sign-out ends this browser's session in the log (#18) and forgets the cookies (a POST with the
/// antiforgery token, so no other site can sign people out).
public sealed class SignOutModel(AccountSessions sessions) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        if (Request.Cookies.TryGetValue(AccountSessions.CookieName, out var session) && session.Length <= 64)
            await sessions.SignOutAsync(session, HttpContext.RequestAborted);
        Response.Cookies.Delete(AccountSessions.CookieName, PageTokenHandler.SessionCookie(Request, null));
        Response.Cookies.Delete(PageTokenHandler.CookieName, PageTokenHandler.CookieFor(Request, null));
        return Redirect("/signin?reason=signed-out");
    }
}
