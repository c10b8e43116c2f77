using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Writing;

namespace PointsEngine.Api.Hosting;

/// Refuses request bodies above Api:MaxRequestBytes with a 413 problem document. It runs after
/// authentication and authorisation (issue #16 finding 2.3: it used to read a chunked body into memory
/// before the token was even looked at, so anonymous 36 MiB uploads grew the server by hundreds of MiB
/// before their 401). Nothing is buffered here: a Content-Length over the limit is refused at once, and a
/// chunked body is streamed to the endpoint through a counter that stops it at the limit; Kestrel's own
/// per-request limit is set to the same value as a second line.
public sealed class RequestSizeLimit(RequestDelegate next, IOptions<ApiSettings> settings, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext http)
    {
        // An endpoint may allow more (a claim's photos), by its metadata; everything else has Api:MaxRequestBytes.
        var limit = http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? settings.Value.MaxRequestBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;

        if (http.Request.ContentLength > limit)
        {
            await RefuseAsync(http, limit);
            return;
        }
        var body = new CountedBody(http.Request.Body, limit);
        http.Request.Body = body;
        try
        {
            await next(http);
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge && !http.Response.HasStarted)
        {
            body.Exceeded = true;
        }
        // Whoever noticed first (the counter, Kestrel), and however the endpoint took it, the answer names the limit.
        if (body.Exceeded && !http.Response.HasStarted)
        {
            http.Response.Clear();
            await RefuseAsync(http, limit);
        }
    }

    private Task RefuseAsync(HttpContext http, long limit)
    {
        http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        var problem = ApiProblem.Field(StatusCodes.Status413PayloadTooLarge, "$", "too-large",
            $"请求体超过上限 {limit} 字节。", $"The request body exceeds the limit of {limit} bytes.");
        return problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem.ToProblemDetails() }).AsTask();
    }

    /// The request body as it arrives, read-only and forward-only, failing with a 413 once more than
    /// <c>limit</c> bytes have come.
    private sealed class CountedBody(Stream inner, long limit) : Stream
    {
        private long _read;

        public bool Exceeded { get; set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            Count(await inner.ReadAsync(buffer, ct).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        private int Count(int read)
        {
            _read += read;
            if (_read <= limit) return read;
            Exceeded = true;
            throw new BadHttpRequestException($"The request body exceeds the limit of {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// Endpoint metadata raising the request body limit for one endpoint (read by <see cref="RequestSizeLimit"/>).
public sealed record RequestBodyLimit(long Bytes) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize => Bytes;
}
