using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace PointsEngine.Api.Problems;

/// One reason a field was refused, in Chinese and English, with a stable code clients can switch on.
public sealed record FieldError(string Code, string Zh, string En);

/// An RFC 7807 problem as this API writes it: a stable code, the reason in Chinese and English, and
/// (for invalid input) the reasons per field, keyed by the field's path in the request
/// (`attendance[3].member`, `Idempotency-Key`, `$.rules[0].points` for rule documents).
public sealed record ApiProblem(int Status, string Code, string Zh, string En, IReadOnlyDictionary<string, IReadOnlyList<FieldError>>? Errors = null)
{
    public static ApiProblem Field(int status, string field, string code, string zh, string en) =>
        new(status, code, zh, en, new Dictionary<string, IReadOnlyList<FieldError>> { [field] = [new FieldError(code, zh, en)] });

    public ProblemDetails ToProblemDetails()
    {
        var details = new ProblemDetails
        {
            Status = Status,
            Title = ProblemTitles.For(Status),
            Detail = $"{Zh} / {En}",
            Type = ProblemTitles.TypeFor(Status),
        };
        details.Extensions["code"] = Code;
        details.Extensions["zh"] = Zh;
        details.Extensions["en"] = En;
        if (Errors is { Count: > 0 }) details.Extensions["errors"] = Errors;
        return details;
    }

    public ProblemHttpResult ToResult() => TypedResults.Problem(ToProblemDetails());
}

public static class ProblemTitles
{
    public static string For(int status) => status switch
    {
        400 => "请求无效 / Invalid request",
        401 => "未认证 / Not authenticated",
        403 => "无权操作 / Forbidden",
        404 => "未找到 / Not found",
        405 => "方法不允许 / Method not allowed",
        409 => "冲突 / Conflict",
        413 => "请求过大 / Request too large",
        415 => "不支持的媒体类型 / Unsupported media type",
        422 => "无法处理 / Unprocessable request",
        429 => "请求过多 / Too many requests",
        503 => "服务繁忙 / Service unavailable",
        _ => status >= 500 ? "服务器错误 / Server error" : "请求错误 / Request error",
    };

    public static string TypeFor(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "about:blank",
    };

    /// The bilingual sentence for problems the framework writes itself (unknown route, wrong method).
    public static (string Code, string Zh, string En) Generic(int status) => status switch
    {
        400 => ("bad-request", "请求无效。", "The request is invalid."),
        401 => ("unauthenticated", "需要有效的访问令牌。", "A valid bearer token is required."),
        403 => ("forbidden", "当前身份无权执行此操作。", "The caller may not do this."),
        404 => ("not-found", "请求的地址不存在。", "Nothing is found at this address."),
        405 => ("method-not-allowed", "该地址不支持此请求方法。", "This address does not accept this method."),
        413 => ("too-large", "请求体过大。", "The request body is too large."),
        415 => ("unsupported-media-type", "请求体须为 JSON（Content-Type: application/json）。", "The request body must be JSON (Content-Type: application/json)."),
        429 => ("too-many-requests", "请求过多，请稍后重试。", "Too many requests; retry shortly."),
        503 => ("unavailable", "服务繁忙，请稍后重试。", "The service is busy; retry shortly."),
        _ when status >= 500 => ("internal-error", "服务器内部错误，已记录，请稍后重试。", "An internal error occurred and was logged; retry later."),
        _ => ("request-error", "请求错误。", "The request failed."),
    };
}
