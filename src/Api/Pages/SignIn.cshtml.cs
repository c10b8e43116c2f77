using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Web;

namespace PointsEngine.Api.Pages;

/// Sign in by pasting a bearer token: checked exactly as the API checks it, then kept in the page cookie.
public sealed class SignInModel(TokenService tokens) : PageModel
{
    public sealed record Reason(string Code, string Zh, string En);

    public Reason? Message { get; private set; }
    public string ReturnUrl { get; private set; } = "/";

    public void OnGet(string? returnUrl, string? reason)
    {
        ReturnUrl = Local(returnUrl);
        if (reason is not null) Message = Explain(reason);
    }

    public IActionResult OnPost(string? token, string? returnUrl)
    {
        ReturnUrl = Local(returnUrl);
        var text = token?.Trim() ?? "";
        if (text.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) text = text["Bearer ".Length..].Trim();
        if (text.Length == 0)
        {
            Message = Explain("missing-token");
            return Page();
        }
        var check = tokens.Check(text);
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
        _ => new("missing-token", "请先登录：粘贴访问令牌。", "Please sign in: paste your access token."),
    };
}
