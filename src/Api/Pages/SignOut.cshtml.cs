using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Web;

namespace PointsEngine.Api.Pages;

/// Sign-out forgets the token in this browser (a POST with the antiforgery token, so no other site can sign people out).
public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public IActionResult OnPost()
    {
        Response.Cookies.Delete(PageTokenHandler.CookieName, PageTokenHandler.CookieFor(Request, null));
        return Redirect("/signin?reason=signed-out");
    }
}
