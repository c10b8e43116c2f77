using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PointsEngine.Api.Access;
using PointsEngine.Api.Tests.Support;
using Xunit.Abstractions;

namespace PointsEngine.Api.Tests;

/// #16 finding 2.1: with `Accept: text/csv` (the README's CSV download), text/html or anything else that
/// names no JSON type, writing a problem document threw (no problem writer "could" write it), so a 401,
/// 403, 404, 413 or 400 became an empty 500 and 7 KB of stack trace in the log. Every error kind × every
/// Accept header below must be its own status with a bilingual application/problem+json body, and log no
/// exception.
public sealed class errors_are_problem_documents_whatever_the_accept_header_says : IAsyncLifetime
{
    private readonly ITestOutputHelper _output;
    private readonly LogCapture _log = new();
    private readonly ApiHost _api;

    public errors_are_problem_documents_whatever_the_accept_header_says(ITestOutputHelper output)
    {
        _output = output;
        _api = ApiHost.OnSqlite(b => b.UseSetting("Api:MaxRequestBytes", "65536").ConfigureLogging(l => l.AddProvider(_log)));
    }

    public async Task InitializeAsync()
    {
        await Setup.BranchAsync(_api.Admin, "b1", "m-01");
        await Setup.BranchAsync(_api.Admin, "b2", "n-01");
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    public static readonly string?[] AcceptHeaders =
    [
        null, "text/csv", "text/html", "*/*", "application/json", "application/problem+json", "text/csv;q=0.9, text/html;q=0.8",
        "image/png", "application/xml", "text/csv, application/json;q=0.1", "garbage", ";;;,,q=", "",
    ];

    private sealed record Case(string Name, HttpStatusCode Status, string? Code, Func<HttpRequestMessage> Request, string? Token);

    private IEnumerable<Case> Cases()
    {
        var secretary = _api.Token(Role.Secretary, "secretary-b1", ["b1"]);
        var member = _api.Token(Role.Member, "m-01", member: "m-01");
        HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);
        HttpRequestMessage Post(string path, string body, string type = "application/json", bool chunked = false)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            if (chunked) request.Headers.TransferEncodingChunked = true;
            return request;
        }
        var big = $$"""{"topic":"{{new string('x', 100_000)}}"}""";
        yield return new("401 missing token", HttpStatusCode.Unauthorized, "missing-token", () => Get("/api/members/m-01/standing?year=2025&format=csv"), null);
        yield return new("401 expired token", HttpStatusCode.Unauthorized, "token-expired", () => Get("/api/rankings?period=2025"), _api.ExpiredToken(Role.Admin, "old"));
        yield return new("401 forged token", HttpStatusCode.Unauthorized, "invalid-signature", () => Get("/api/rankings?period=2025"), secretary[..^4] + "AAAA");
        yield return new("401 on a write", HttpStatusCode.Unauthorized, "missing-token", () => Post("/api/adjustments", "{}"), null);
        yield return new("403 role", HttpStatusCode.Forbidden, "role-forbidden", () => Post("/api/branches", "{}"), secretary);
        yield return new("403 scope", HttpStatusCode.Forbidden, null, () => Get("/api/branches/b2/dashboard?year=2025"), secretary);
        yield return new("404 route", HttpStatusCode.NotFound, "not-found", () => Get("/api/no-such-thing"), secretary);
        yield return new("404 member", HttpStatusCode.NotFound, null, () => Get("/api/members/nobody/standing?year=2025"), _api.Token(Role.Admin, "a"));
        yield return new("400 parameter", HttpStatusCode.BadRequest, null, () => Get("/api/rankings?period=notaperiod"), _api.Token(Role.Admin, "a"));
        yield return new("400 malformed JSON", HttpStatusCode.BadRequest, "malformed-json", () => Post("/api/branches/b1/meetings", "{\"occurredOn\":"), secretary);
        yield return new("413 Content-Length", HttpStatusCode.RequestEntityTooLarge, "too-large", () => Post("/api/branches/b1/meetings", big), secretary);
        yield return new("413 chunked", HttpStatusCode.RequestEntityTooLarge, "too-large", () => Post("/api/branches/b1/meetings", big, chunked: true), secretary);
        yield return new("415", HttpStatusCode.UnsupportedMediaType, null, () => Post("/api/branches/b1/meetings", "a=b", "text/plain"), secretary);
        yield return new("415 claim", HttpStatusCode.UnsupportedMediaType, null, () => Post("/api/claims", "a=b", "text/plain"), member);
        yield return new("405", HttpStatusCode.MethodNotAllowed, null, () => new HttpRequestMessage(HttpMethod.Delete, "/api/rankings"), secretary);
    }

    [Fact]
    public async Task every_error_kind_under_every_accept_header_is_its_problem_document_and_logs_no_exception()
    {
        var client = _api.Client();
        var seen = 0;
        var failures = new List<string>();
        foreach (var c in Cases())
        foreach (var accept in AcceptHeaders)
        {
            using var request = c.Request();
            if (c.Token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", c.Token);
            if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
            var answer = await HttpExtensions.SendAsync(client, request);
            seen++;
            try
            {
                answer.ShouldBeProblem(c.Status, c.Code);
                Assert.NotNull(answer["traceId"]);
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException)
            {
                failures.Add($"{c.Name} with Accept '{accept ?? "(none)"}': {(int)answer.Status} {answer.Response.Content.Headers.ContentType} {e.Message}");
            }
        }
        _output.WriteLine($"{seen} requests ({Cases().Count()} error kinds × {AcceptHeaders.Length} Accept headers), {failures.Count} wrong");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        var logged = _log.Entries.Where(e => e.Contains("Exception", StringComparison.Ordinal) || e.StartsWith("Error", StringComparison.Ordinal)).ToList();
        Assert.True(logged.Count == 0, $"{logged.Count} log entries with exceptions, e.g.\n{string.Join("\n", logged.Take(3))}");
    }
}
