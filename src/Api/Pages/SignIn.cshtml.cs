using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Api.Pages;

/// Sign in with login name and password (#18), or by pasting a bearer token (admins, scripts): the token is
/// checked exactly as the API checks it, then kept in the page cookie.
public sealed class SignInModel(IntegrationTokens tokens, AccountSessions sessions, OrganisationDirectory directory) : PageModel
{
    public sealed record Reason(string Code, string Zh, string En);

    public Reason? Message { get; private set; }
    public string ReturnUrl { get; private set; } = "/";
    public string? Login { get; private set; }
    public string? Name { get; private set; }
    public string? Branch { get; private set; }
    /// Which form the message is about: "password", "name" or "token".
    public string? Form { get; private set; }

    /// Every branch, for signing in by name and branch where a branch has no phones on file (#18). All of
    /// them, not only those without phones: which branches' members lack one is not the page's to tell.
    public IEnumerable<Registry.BranchEntry> Branches => directory.Current.Branches.Values.OrderBy(b => b.Id.Value, StringComparer.Ordinal);

    public void OnGet(string? returnUrl, string? reason)
    {
        ReturnUrl = Local(returnUrl);
        if (reason is not null) Message = Explain(reason);
    }

    public async Task<IActionResult> OnPostAsync(string? login, string? password, bool remember, string? returnUrl)
    {
        (ReturnUrl, Login, Form) = (Local(returnUrl), login?.Trim(), "password");
        return Answer(await sessions.SignInAsync(login, password, remember, Request.Headers.UserAgent.ToString(), HttpContext.RequestAborted), remember);
    }

    /// Name and branch instead of a login name (a branch with no phones on file).
    public async Task<IActionResult> OnPostNameAsync(string? name, string? branch, string? password, bool remember, string? returnUrl)
    {
        (ReturnUrl, Name, Branch, Form) = (Local(returnUrl), name?.Trim(), branch, "name");
        return Answer(await sessions.SignInByNameAsync(name, branch, password, remember, Request.Headers.UserAgent.ToString(), HttpContext.RequestAborted), remember);
    }

    private IActionResult Answer((AccountSessions.Started? Started, Refusal? Refusal, DateTimeOffset? LockedUntil) outcome, bool remember)
    {
        var (started, refused, lockedUntil) = outcome;
        if (started is null)
        {
            // One answer whatever went wrong (unknown name, wrong password, no password yet, disabled): no enumeration.
            Message = lockedUntil is { } until
                ? Locked(until - DateTimeOffset.UtcNow)
                : new Reason(refused!.Code, refused.Chinese, refused.English);
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        Response.Cookies.Delete(PageTokenHandler.CookieName, PageTokenHandler.CookieFor(Request, null));
        Response.Cookies.Append(AccountSessions.CookieName, started.Cookie,
            PageTokenHandler.SessionCookie(Request, remember ? DateTimeOffset.UtcNow + AccountSessions.RememberedIdle : null));
        return LocalRedirect(ReturnUrl);
    }

    private static Reason Locked(TimeSpan wait)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
        return new Reason("sign-in-locked", $"登录名或密码不正确，且错误次数过多：请 {minutes} 分钟后再试。忘记密码请找支部书记发新链接。",
            $"The login name or password is not correct, and there were too many attempts: try again in {minutes} minute(s).");
    }

    public async Task<IActionResult> OnPostTokenAsync(string? token, string? returnUrl)
    {
        (ReturnUrl, Form) = (Local(returnUrl), "token");
        var text = token?.Trim() ?? "";
        if (text.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) text = text["Bearer ".Length..].Trim();
        if (text.Length == 0)
        {
            Message = Explain("missing-token");
            return Page();
        }
        var check = await tokens.ValidateAsync(text, HttpContext.RequestAborted);
        if (check.Grant is not { } grant)
        {
            Message = Explain(check.Failure!);
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        Response.Cookies.Append(PageTokenHandler.CookieName, text, PageTokenHandler.CookieFor(Request, grant.ExpiresAt));
        return LocalRedirect(ReturnUrl);
    }

    private string Local(string? url) => url is { Length: > 0 } && Url.IsLocalUrl(url) && !url.StartsWith("/signin", StringComparison.OrdinalIgnoreCase) ? url : "/";

    public static Reason Explain(string code) => code switch
    {
        "token-expired" => new(code, "访问令牌已过期，请向管理员申请新令牌。", "The access token has expired; ask an administrator for a new one."),
        "invalid-signature" => new(code, "访问令牌无效：签名不符（可能抄错、被改动，或由其他服务器签发）。", "The access token is not valid: its signature does not match (mistyped, altered, or issued by another server)."),
        "malformed-token" => new(code, "访问令牌格式不对，请完整复制管理员给你的令牌（三段，用“.”分隔）。", "The access token is malformed; copy the whole token (three parts separated by dots)."),
        "signed-out" => new(code, "已退出登录。", "You are signed out."),
        "token-revoked" => new(code, "访问令牌已被收回，请向管理员申请新令牌。", "The access token was revoked; ask an administrator for a new one."),
        "account-disabled" => new(code, "该令牌所属账号已停用。", "The account this token was issued to is disabled."),
        "session-ended" => new(code, "你的登录已失效（已在别处退出、密码已重设或账号已停用），请重新登录。", "Your session has ended (signed out elsewhere, password reset, or account disabled); please sign in again."),
        _ => new("missing-token", "请先登录。", "Please sign in."),
    };
}
