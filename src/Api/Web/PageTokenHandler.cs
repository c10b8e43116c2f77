using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;

namespace PointsEngine.Api.Web;

/// The web pages' sign-in: an account's session (#18: login name and password, the cookie a random secret
/// whose session the log can end; who the person is and may be read anew on every request), or the same bearer token the API takes, pasted once and kept in an HttpOnly,
/// SameSite=Strict cookie (Secure whenever the browser used HTTPS, also behind a trusted proxy), checked as the API checks it (<see cref="IntegrationTokens"/>) on every
/// request, so an expired or re-keyed token stops working in the browser exactly as in the API.
/// Not a scheme of /api: the API answers bearer tokens only, so no cookie can ride a cross-site request there.
public sealed class PageTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IntegrationTokens tokens,
    AccountSessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PageToken";
    public const string CookieName = "pe_token";
    private const string FailureKey = "pointsengine.page.failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Cookies.TryGetValue(AccountSessions.CookieName, out var session) && !string.IsNullOrWhiteSpace(session) && session.Length <= 64)
        {
            var (account, started) = await sessions.CheckAsync(session, Context.RequestAborted);
            if (account is null || started is null)
            {
                Context.Items[FailureKey] = "session-ended";
                Response.Cookies.Delete(AccountSessions.CookieName, SessionCookie(Request, null));
                return AuthenticateResult.Fail("session-ended");
            }
            // Sliding expiry: a remembered phone keeps its cookie for another idle period from each visit.
            if (started.Remember && !Response.HasStarted)
                Response.Cookies.Append(AccountSessions.CookieName, session, SessionCookie(Request, DateTimeOffset.UtcNow + AccountSessions.RememberedIdle));
            return AuthenticateResult.Success(new AuthenticationTicket(Caller.ToPrincipal(account, SchemeName), SchemeName));
        }
        if (!Request.Cookies.TryGetValue(CookieName, out var token) || string.IsNullOrWhiteSpace(token))
            return AuthenticateResult.NoResult();
        var check = await tokens.ValidateAsync(token, Context.RequestAborted);
        if (check.Grant is not { } grant)
        {
            Context.Items[FailureKey] = check.Failure;
            return AuthenticateResult.Fail(check.Failure!);
        }
        return AuthenticateResult.Success(new AuthenticationTicket(Caller.ToPrincipal(grant, SchemeName), SchemeName));
    }

    /// Not signed in (or the token no longer holds): to the sign-in page, which says why and comes back here.
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await HandleAuthenticateOnceSafeAsync();
        var reason = Context.Items[FailureKey] as string;
        var back = Request.PathBase + Request.Path + Request.QueryString;
        var to = $"/signin?returnUrl={Uri.EscapeDataString(back)}" + (reason is null ? "" : $"&reason={Uri.EscapeDataString(reason)}");
        Response.Redirect(to);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.Redirect("/denied");
        return Task.CompletedTask;
    }

    /// An account session's cookie: SameSite=Lax, so opening the site from a link in a WeChat message
    /// finds the person still signed in (writes still need the SameSite=Strict antiforgery cookie);
    /// without "remember this phone" a browser-session cookie.
    public static CookieOptions SessionCookie(HttpRequest request, DateTimeOffset? expires) => CookieFor(request, expires, SameSiteMode.Lax);

    public static CookieOptions CookieFor(HttpRequest request, DateTimeOffset? expires, SameSiteMode sameSite = SameSiteMode.Strict) => new()
    {
        HttpOnly = true,
        SameSite = sameSite,
        Secure = request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
