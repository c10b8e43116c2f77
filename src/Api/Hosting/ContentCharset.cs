using System.Text;
using Microsoft.Net.Http.Headers;
using PointsEngine.Api.Problems;

namespace PointsEngine.Api.Hosting;

/// A JSON body whose Content-Type names a charset no encoding answers to (`application/json; charset=utf-9`)
/// cannot be read: the framework's JSON reader throws InvalidOperationException, which was a 500 on every
/// write endpoint (#16 gap 3.3, found by the header fuzz). Refused here with a 415 problem document naming the
/// charset, after authentication (as every body check) and before any endpoint reads the body.
public sealed class ContentCharset(RequestDelegate next, IProblemDetailsService problems)
{
    public Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || !request.HasJsonContentType()
            || !MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.Charset.HasValue || Known(type.Charset))
            return next(http);
        http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
        var charset = type.Charset.Value;
        var problem = ApiProblem.Field(StatusCodes.Status415UnsupportedMediaType, "Content-Type", "unknown-charset",
            $"Content-Type 中的字符集“{charset}”无法识别，请求体须为 UTF-8 编码的 JSON。",
            $"The charset '{charset}' in Content-Type is not an encoding; send the body as UTF-8 JSON.");
        return problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem.ToProblemDetails() }).AsTask();
    }

    /// What the framework's JSON reader would accept: utf-8, or a name (possibly quoted) .NET has an encoding for.
    private static bool Known(Microsoft.Extensions.Primitives.StringSegment charset)
    {
        var name = charset.Length > 2 && charset[0] == '"' && charset[^1] == '"' ? charset.Subsegment(1, charset.Length - 2).Value! : charset.Value!;
        if (name.Equals("utf-8", StringComparison.OrdinalIgnoreCase)) return true;
        try
        {
            Encoding.GetEncoding(name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
