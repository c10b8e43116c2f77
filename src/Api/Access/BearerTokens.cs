using Microsoft.AspNetCore.Authentication.JwtBearer;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Api.Problems;

namespace PointsEngine.Api.Access;

/// `Authorization: Bearer <token>` through the standard JwtBearer handler (#18), with the engine's own
/// answers: a missing, malformed, forged, expired or revoked token is a bilingual 401 problem document
/// saying which; a valid token for the wrong role or branch a 403 problem document. Tokens are never logged.
public static class BearerTokens
{
    public const string SchemeName = JwtBearerDefaults.AuthenticationScheme;
    private const string FailureKey = "pointsengine.auth.failure";

    public static void Configure(JwtBearerOptions o, TokenService tokens)
    {
        o.TokenValidationParameters = tokens.Parameters;
        o.MapInboundClaims = false;
        o.SaveToken = false;
        o.IncludeErrorDetails = false;
        o.TokenHandlers.Clear();
        o.TokenHandlers.Add(tokens.Handler);
        o.Events = new JwtBearerEvents
        {
            OnMessageReceived = ctx =>
            {
                string? header = ctx.Request.Headers.Authorization;
                if (!string.IsNullOrEmpty(header) && !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                {
                    ctx.HttpContext.Items[FailureKey] = "malformed-token";
                    ctx.NoResult();
                }
                else if (header is { Length: > TokenService.MaxTokenLength })
                {
                    ctx.HttpContext.Items[FailureKey] = "malformed-token";
                    ctx.Fail("malformed-token");
                }
                return Task.CompletedTask;
            },
            OnAuthenticationFailed = ctx =>
            {
                ctx.HttpContext.Items[FailureKey] ??= TokenService.FailureOf(ctx.Exception);
                return Task.CompletedTask;
            },
            OnTokenValidated = async ctx =>
            {
                var check = TokenService.FromClaims(ctx.Principal!);
                check = await ctx.HttpContext.RequestServices.GetRequiredService<IntegrationTokens>().CheckAsync(check, ctx.HttpContext.RequestAborted);
                if (check.Grant is not { } grant)
                {
                    ctx.HttpContext.Items[FailureKey] = check.Failure;
                    ctx.Fail(check.Failure!);
                    return;
                }
                ctx.Principal = Caller.ToPrincipal(grant, SchemeName);
            },
            OnChallenge = async ctx =>
            {
                ctx.HandleResponse();
                var code = ctx.HttpContext.Items[FailureKey] as string
                    ?? (string.IsNullOrEmpty(ctx.Request.Headers.Authorization) ? "missing-token" : "malformed-token");
                var (zh, en) = Explain(code);
                ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                ctx.Response.Headers.WWWAuthenticate = code == "missing-token" ? "Bearer" : $"Bearer error=\"invalid_token\", error_description=\"{code}\"";
                await WriteAsync(ctx.HttpContext, ApiProblem.Field(StatusCodes.Status401Unauthorized, "Authorization", code, zh, en));
            },
            OnForbidden = ctx =>
            {
                ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                var caller = Caller.From(ctx.HttpContext.User);
                return WriteAsync(ctx.HttpContext, new ApiProblem(StatusCodes.Status403Forbidden, "role-forbidden",
                    $"角色“{Roles.NameOf(caller.Role)}”无权执行此操作。", $"The role '{Roles.NameOf(caller.Role)}' may not do this."));
            },
        };
    }

    public static (string Zh, string En) Explain(string code) => code switch
    {
        "token-expired" => ("访问令牌已过期，请向管理员申请新令牌。", "The bearer token has expired; ask an administrator for a new one."),
        "invalid-signature" => ("访问令牌签名无效（可能被篡改或由其他服务器签发）。", "The bearer token's signature is invalid (altered, or signed by another server)."),
        "malformed-token" => ("访问令牌格式无效，应为 Authorization: Bearer <令牌>。", "The bearer token is malformed; send Authorization: Bearer <token>."),
        "token-revoked" => ("访问令牌已被收回，请向管理员申请新令牌。", "The bearer token was revoked; ask an administrator for a new one."),
        "account-disabled" => ("该令牌所属账号已停用。", "The account this token was issued to is disabled."),
        _ => ("缺少访问令牌，请在请求头中提供 Authorization: Bearer <令牌>。", "No bearer token; send Authorization: Bearer <token>."),
    };

    private static async Task WriteAsync(HttpContext http, ApiProblem problem) =>
        await http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem.ToProblemDetails() });
}
