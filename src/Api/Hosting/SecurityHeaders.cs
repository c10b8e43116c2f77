using System.Security.Cryptography;

namespace PointsEngine.Api.Hosting;

/// Headers every response carries, pages, API answers and problem documents alike (issue #16 finding
/// 2.8): no framing (clickjacking), no MIME sniffing, no referrer leaving the site, and a
/// Content-Security-Policy that allows nothing but this response's own inline style and script (the
/// layout's one &lt;style&gt; and &lt;script&gt; carry the per-response nonce) and forms posting back here.
/// Set when the response starts, so an exception handler clearing the response does not drop them.
public sealed class SecurityHeaders(RequestDelegate next)
{
    private const string NonceKey = "pointsengine.csp.nonce";

    /// The nonce the page's inline &lt;style&gt; and &lt;script&gt; must carry.
    public static string Nonce(HttpContext http) => (string)http.Items[NonceKey]!;

    public Task InvokeAsync(HttpContext http)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        http.Items[NonceKey] = nonce;
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = $"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; img-src 'self' data:; connect-src 'self'; " +
                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        return next(http);
    }
}
