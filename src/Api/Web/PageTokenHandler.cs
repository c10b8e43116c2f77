using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PointsEngine.Api.Access;

namespace PointsEngine.Api.Web;

/// The web pages' sign-in: the same bearer token the API takes, pasted once and kept in an HttpOnly,
/// SameSite=Strict cookie (Secure whenever the browser used HTTPS, also behind a trusted proxy), checked by the same <see cref="TokenService"/> on every
/// request, so an expired or re-keyed token stops working in the browser exactly as in the API.
/// Not a scheme of /api: the API answers bearer tokens only, so no cookie can ride a cross-site request there.
public sealed class PageTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PageToken";
    public const string CookieName = "pe_token";
    private const string FailureKey = "pointsengine.page.failure";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(CookieName, out var token) || string.IsNullOrWhiteSpace(token))
            return Task.FromResult(AuthenticateResult.NoResult());
        var check = tokens.Check(token);
        if (check.Grant is not { } grant)
        {
            Context.Items[FailureKey] = check.Failure;
            return Task.FromResult(AuthenticateResult.Fail(check.Failure!));
        }
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(Caller.ToPrincipal(grant, SchemeName), SchemeName)));
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

    public static CookieOptions CookieFor(HttpRequest request, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
