using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PointsEngine.Api.Problems;

namespace PointsEngine.Api.Access;

/// `Authorization: Bearer <token>`. A missing, malformed, forged or expired token is a 401 problem
/// document saying which; a valid token for the wrong role or branch is a 403 problem document.
/// Tokens are never logged.
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenService tokens,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    private const string FailureKey = "pointsengine.auth.failure";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header)) return Task.FromResult(Fail("missing-token"));
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Task.FromResult(Fail("malformed-token"));
        var check = tokens.Check(header["Bearer ".Length..].Trim());
        if (check.Grant is not { } grant) return Task.FromResult(Fail(check.Failure!));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(Caller.ToPrincipal(grant, SchemeName), SchemeName)));
    }

    private AuthenticateResult Fail(string code)
    {
        Context.Items[FailureKey] = code;
        return code == "missing-token" ? AuthenticateResult.NoResult() : AuthenticateResult.Fail(code);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await HandleAuthenticateOnceSafeAsync();
        var code = Context.Items[FailureKey] as string ?? "missing-token";
        var (zh, en) = code switch
        {
            "token-expired" => ("访问令牌已过期，请向管理员申请新令牌。", "The bearer token has expired; ask an administrator for a new one."),
            "invalid-signature" => ("访问令牌签名无效（可能被篡改或由其他服务器签发）。", "The bearer token's signature is invalid (altered, or signed by another server)."),
            "malformed-token" => ("访问令牌格式无效，应为 Authorization: Bearer <令牌>。", "The bearer token is malformed; send Authorization: Bearer <token>."),
            _ => ("缺少访问令牌，请在请求头中提供 Authorization: Bearer <令牌>。", "No bearer token; send Authorization: Bearer <token>."),
        };
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = code == "missing-token" ? "Bearer" : $"Bearer error=\"invalid_token\", error_description=\"{code}\"";
        await WriteAsync(ApiProblem.Field(StatusCodes.Status401Unauthorized, "Authorization", code, zh, en));
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var caller = Caller.From(Context.User);
        return WriteAsync(new ApiProblem(StatusCodes.Status403Forbidden, "role-forbidden",
            $"角色“{Roles.NameOf(caller.Role)}”无权执行此操作。", $"The role '{Roles.NameOf(caller.Role)}' may not do this."));
    }

    private async Task WriteAsync(ApiProblem problem) =>
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem.ToProblemDetails() });
}
