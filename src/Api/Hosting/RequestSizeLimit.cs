using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Writing;

namespace PointsEngine.Api.Hosting;

/// Refuses request bodies above Api:MaxRequestBytes with a 413 problem document before any endpoint
/// reads them: by Content-Length when it is sent, else by reading at most the limit into memory (a
/// chunked body). Kestrel's own limit is set to the same value as a second line.
public sealed class RequestSizeLimit(RequestDelegate next, IOptions<ApiSettings> settings, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext http)
    {
        // An endpoint may allow more (a claim's photos), by its metadata; everything else has Api:MaxRequestBytes.
        var limit = http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? settings.Value.MaxRequestBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;

        if (http.Request.ContentLength is { } length)
        {
            if (length > limit)
            {
                await RefuseAsync(http, limit);
                return;
            }
        }
        else if (HttpMethods.IsPost(http.Request.Method) || HttpMethods.IsPut(http.Request.Method) || HttpMethods.IsPatch(http.Request.Method))
        {
            var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    await RefuseAsync(http, limit);
                    return;
                }
                buffer.Write(chunk, 0, read);
            }
            buffer.Position = 0;
            http.Request.Body = buffer;
            http.Request.ContentLength = buffer.Length;
        }
        await next(http);
    }

    private Task RefuseAsync(HttpContext http, long limit)
    {
        http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        var problem = ApiProblem.Field(StatusCodes.Status413PayloadTooLarge, "$", "too-large",
            $"请求体超过上限 {limit} 字节。", $"The request body exceeds the limit of {limit} bytes.");
        return problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem.ToProblemDetails() }).AsTask();
    }
}

/// Endpoint metadata raising the request body limit for one endpoint (read by <see cref="RequestSizeLimit"/>).
public sealed record RequestBodyLimit(long Bytes) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize => Bytes;
}
