using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Domain.Values;
using PointsEngine.Web.Tests.Support;
using Xunit.Abstractions;

namespace PointsEngine.Web.Tests;

/// #16 finding 2.8: the sign-in cookie was Secure only when the request reaching Kestrel was itself HTTPS,
/// and X-Forwarded-* headers were not read, so behind a TLS-terminating proxy the cookie went out without
/// Secure; and no response carried a Content-Security-Policy, X-Frame-Options or X-Content-Type-Options.
/// On the real server (Kestrel on loopback): X-Forwarded-Proto: https from a trusted proxy (loopback, the
/// default) makes the cookies Secure; from an address outside ForwardedHeaders:KnownNetworks it is
/// ignored; and pages, API answers and problem documents all carry the security headers.
public sealed partial class behind_a_tls_proxy(ITestOutputHelper output)
{
    [Fact]
    public async Task a_sign_in_forwarded_as_https_by_a_trusted_proxy_sets_secure_cookies()
    {
        await using var server = new WebServer();
        var cookies = await SignInAsync(server, forwardedHttps: true);
        Assert.Contains("secure", cookies["pe_token"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", cookies["pe_af"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookies["pe_token"], StringComparison.OrdinalIgnoreCase);
    }

    /// #18: a person's session cookie (set when they choose a password through their link) behind the proxy:
    /// Secure, HttpOnly, SameSite=Lax.
    [Fact]
    public async Task an_account_session_forwarded_as_https_gets_a_secure_httponly_lax_cookie()
    {
        await using var server = new WebServer();
        await server.BranchAsync("bp", "代理党支部", 1);
        var code = (await server.Services.GetRequiredService<AccountInvitations>().InviteAsync(
            [new Invitee("bp-m01", "bp-m01", "赵明1", MemberId.Parse("bp-m01"), Roles.Member, [])], "proxy", TimeSpan.FromDays(1), "test", CancellationToken.None)).Single().Code!;
        var cookies = await SignInAsync(server, forwardedHttps: true,
            ($"/i/{code}", new Dictionary<string, string> { ["password"] = "代理后面的那个密码", ["confirm"] = "代理后面的那个密码" }), AccountSessions.CookieName);
        var session = cookies[AccountSessions.CookieName];
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task a_plain_http_sign_in_without_a_proxy_sets_no_secure_cookie()
    {
        await using var server = new WebServer();
        var cookies = await SignInAsync(server, forwardedHttps: false);
        Assert.DoesNotContain("secure", cookies["pe_token"], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task x_forwarded_proto_from_an_untrusted_address_is_ignored()
    {
        // Only 10.0.0.0/8 is a proxy here: the test client on 127.0.0.1 is not one.
        await using var server = new WebServer(new Dictionary<string, string> { ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8" });
        var cookies = await SignInAsync(server, forwardedHttps: true);
        Assert.DoesNotContain("secure", cookies["pe_token"], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookies["pe_af"], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task pages_api_answers_and_errors_carry_the_security_headers()
    {
        await using var server = new WebServer();
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(server.BaseUrl) };
        using var admin = server.Api(server.Token(Role.Admin, "admin-9"));
        var big = new string('x', 2 * 1024 * 1024);
        var requests = new (string What, HttpClient Client, Func<HttpRequestMessage> Request, HttpStatusCode Status)[]
        {
            ("home page", anonymous, () => new(HttpMethod.Get, "/"), HttpStatusCode.OK),
            ("sign-in page", anonymous, () => new(HttpMethod.Get, "/signin"), HttpStatusCode.OK),
            ("a page that redirects to sign-in", anonymous, () => new(HttpMethod.Get, "/admin"), HttpStatusCode.Redirect),
            ("health", anonymous, () => new(HttpMethod.Get, "/health"), HttpStatusCode.OK),
            ("API answer", admin, () => new(HttpMethod.Get, "/api/access/me"), HttpStatusCode.OK),
            ("CSV download", admin, () => new(HttpMethod.Get, "/api/rankings?period=2025&format=csv"), HttpStatusCode.OK),
            ("OpenAPI document", anonymous, () => new(HttpMethod.Get, "/openapi/v1.json"), HttpStatusCode.OK),
            ("401 problem", anonymous, () => new(HttpMethod.Get, "/api/access/me"), HttpStatusCode.Unauthorized),
            ("404 problem", admin, () => new(HttpMethod.Get, "/api/nothing-here"), HttpStatusCode.NotFound),
            ("400 problem", admin, () => new(HttpMethod.Get, "/api/rankings?period=never"), HttpStatusCode.BadRequest),
            ("413 problem", admin, () => new(HttpMethod.Post, "/api/branches") { Content = new StringContent(big, Encoding.UTF8, "application/json") },
                HttpStatusCode.RequestEntityTooLarge),
        };
        foreach (var (what, client, request, status) in requests)
        {
            using var message = request();
            // As a client sending a large body should: the server refuses the oversize body by its Content-Length without
            // reading it and closes the connection, so a client already writing 2 MiB got a broken pipe instead of the
            // answer (seen once in CI). With 100-continue it waits for the answer before sending the body.
            message.Headers.ExpectContinue = message.Content is not null;
            using var response = await client.SendAsync(message);
            output.WriteLine($"{what}: {(int)response.StatusCode}");
            Assert.True(status == response.StatusCode, $"{what}: {(int)response.StatusCode}");
            var csp = Header(response, "Content-Security-Policy");
            Assert.Contains("default-src 'none'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        }
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content)
        : throw new Xunit.Sdk.XunitException($"no {name} on {response.RequestMessage?.RequestUri}");

    /// GET /signin and POST the form with an admin token, as a browser behind the proxy would; the
    /// cookies the server set, by name, as their Set-Cookie header.
    private static async Task<Dictionary<string, string>> SignInAsync(WebServer server, bool forwardedHttps,
        (string Path, Dictionary<string, string> Fields)? with = null, string cookie = "pe_token")
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(server.BaseUrl) };
        var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
        void Keep(HttpResponseMessage response)
        {
            foreach (var set in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
                cookies[set[..set.IndexOf('=')]] = set;
        }
        void Forward(HttpRequestMessage request)
        {
            if (!forwardedHttps) return;
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        }

        using var get = new HttpRequestMessage(HttpMethod.Get, "/signin");
        Forward(get);
        using var form = await client.SendAsync(get);
        Keep(form);
        var antiforgery = AntiforgeryField().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.NotEmpty(antiforgery);

        var fields = with?.Fields ?? new Dictionary<string, string> { ["token"] = server.Token(Role.Admin, "admin-proxy"), ["returnUrl"] = "/" };
        fields["__af"] = WebUtility.HtmlDecode(antiforgery);
        using var post = new HttpRequestMessage(HttpMethod.Post, with?.Path ?? "/signin?handler=token") { Content = new FormUrlEncodedContent(fields) };
        post.Headers.Add("Cookie", string.Join("; ", cookies.Values.Select(c => c[..c.IndexOf(';')])));
        Forward(post);
        using var signedIn = await client.SendAsync(post);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {(int)signedIn.StatusCode}");
        Keep(signedIn);
        Assert.True(cookies.ContainsKey(cookie), $"no {cookie} cookie was set");
        return cookies;
    }

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
