using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace PointsEngine.Api.Problems;

/// Writes every problem document as application/problem+json, whatever the request's Accept header says
/// (issue #16 finding 2.1). The framework's own writer refuses when Accept names no JSON type (a CSV
/// download's `Accept: text/csv`, a browser's text/html), and IProblemDetailsService.WriteAsync then throws:
/// a 401/403/413/400 became an empty 500 with a logged stack trace. An error is still worth telling a client
/// that asked for CSV, and RFC 9110 lets a server answer an error in a type the client did not list.
///
/// Registered ahead of the framework's writers, so the token handler, the size limit, the exception
/// handler, the status-code pages and every endpoint's ProblemHttpResult all answer through this one place.
/// Problems the framework writes itself (unknown route, wrong method, a body Kestrel refused) get the
/// bilingual fields here too.
public sealed class ProblemJsonWriter(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
{
    public const string MediaType = "application/problem+json";

    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var details = context.ProblemDetails;
        var status = details.Status ?? http.Response.StatusCode;
        details.Status = status;
        details.Title ??= ProblemTitles.For(status);
        details.Type ??= ProblemTitles.TypeFor(status);
        if (!details.Extensions.ContainsKey("zh"))
        {
            var (code, zh, en) = ProblemTitles.Generic(status);
            details.Title = ProblemTitles.For(status);
            details.Extensions["code"] = code;
            details.Extensions["zh"] = zh;
            details.Extensions["en"] = en;
        }
        details.Extensions["traceId"] = http.TraceIdentifier;
        http.Response.StatusCode = status;
        return new ValueTask(http.Response.WriteAsJsonAsync(details, json.Value.SerializerOptions.GetTypeInfo(typeof(ProblemDetails)), MediaType, http.RequestAborted));
    }
}
