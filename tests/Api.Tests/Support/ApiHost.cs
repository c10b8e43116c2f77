using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PointsEngine.Api.Access;
using PointsEngine.Api.Hosting;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Values;
using PointsEngine.Store;

namespace PointsEngine.Api.Tests.Support;

/// The real server (WebApplicationFactory over Program) on a fresh SQLite file, or on a PostgreSQL
/// database, with a known signing key so tests can mint tokens for any role.
public sealed class ApiHost : IAsyncDisposable
{
    public const string TestSigningKey = "test-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz";

    private readonly string? _dir;
    private readonly WebApplicationFactory<Program> _factory;

    private ApiHost(string? dir, Action<IWebHostBuilder> configure, bool testKey = true)
    {
        _dir = dir;
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            if (testKey) b.UseSetting("Auth:SigningKey", TestSigningKey);
            configure(b);
        });
        Admin = Client(Token(Role.Admin, "admin-1"));
    }

    public static ApiHost OnSqlite(Action<IWebHostBuilder>? configure = null) =>
        InDirectory(Directory.CreateTempSubdirectory("pe-api-").FullName, configure);

    /// On the SQLite file points.db in <paramref name="dir"/> (removed with the host); with
    /// <paramref name="testKey"/> false the server finds its signing key as in production.
    public static ApiHost InDirectory(string dir, Action<IWebHostBuilder>? configure = null, bool testKey = true) =>
        new(dir, b =>
        {
            b.UseSetting("Store:Path", Path.Combine(dir, "points.db"));
            configure?.Invoke(b);
        }, testKey);

    /// On a PostgreSQL database; two hosts on one database are two engine processes (only one should score).
    public static ApiHost OnPostgres(string connectionString, bool scoring = true) => new(null, b => b
        .UseSetting("Store:Provider", "postgres")
        .UseSetting("Store:ConnectionString", connectionString)
        .UseSetting("Scoring:Run", scoring ? "true" : "false"));

    public HttpClient Admin { get; }

    public IServiceProvider Services => _factory.Services;

    public string Token(Role role, string subject, IEnumerable<string>? branches = null, string? member = null, TimeSpan? lifetime = null)
    {
        var tokens = Services.GetRequiredService<TokenService>();
        return tokens.IssueNew(subject, subject, role, [.. (branches ?? []).Select(BranchId.Parse)],
            member is null ? null : MemberId.Parse(member), lifetime ?? TimeSpan.FromHours(1)).Token;
    }

    /// A token valid an hour ago and expired now, signed with the server's key.
    public string ExpiredToken(Role role, string subject)
    {
        var issued = DateTimeOffset.UtcNow.AddHours(-2);
        return Services.GetRequiredService<TokenService>().Issue(
            new AccessToken(subject, subject, role, [], null, issued, issued.AddHours(1), Guid.NewGuid().ToString("N")));
    }

    /// A client of the web pages: redirects are answers to inspect, and cookies (the page sign-in, the
    /// antiforgery cookie) are set by the test on each request.
    public HttpClient PageClient() =>
        _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    public HttpClient Client(string? token = null)
    {
        var client = _factory.CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// The log's head once scoring has caught up with it (awards are written behind recorded facts), so a
    /// test can compare it after a refused request: any change means the refused request wrote something.
    public async Task<LogPosition> HeadAsync()
    {
        var store = Services.GetRequiredService<IEventStore>();
        if (!Services.GetRequiredService<ScoringHost>().Running) return await store.ReadHeadPositionAsync();
        var engine = Services.GetRequiredService<ScoringHost>().Engine;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var head = await store.ReadHeadPositionAsync();
            await engine.WaitUntilScoredAsync(head, timeout.Token);
            if (await store.ReadHeadPositionAsync() == head) return head;
        }
    }

    public Task<MemberState> MemberAsync(string member) =>
        Services.GetRequiredService<ScoringHost>().Engine.ReadMemberAsync(MemberId.Parse(member));

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_dir is null) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { /* a reader still closing: the OS temp cleaner gets it */ }
    }
}

/// One HTTP answer, its body parsed.
public sealed record Answer(HttpStatusCode Status, JObject Body, HttpResponseMessage Response)
{
    public string? this[string path] => Body.SelectToken(path) is JValue { Value: bool b } ? (b ? "true" : "false") : (string?)Body.SelectToken(path);

    /// The problem document's reasons for a field, checked to carry both languages.
    public IReadOnlyList<JObject> ErrorsFor(string field)
    {
        var list = Body["errors"]?[field] as JArray ?? throw new Xunit.Sdk.XunitException($"no errors for '{field}' in {Body}");
        foreach (var e in list.Cast<JObject>())
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)e["zh"]), $"zh missing for {field}");
            Assert.False(string.IsNullOrWhiteSpace((string?)e["en"]), $"en missing for {field}");
        }
        return [.. list.Cast<JObject>()];
    }
}

public static class HttpExtensions
{
    public static Task<Answer> PostJsonAsync(this HttpClient client, string path, object body, string? key = null) =>
        client.PostRawAsync(path, JsonConvert.SerializeObject(body), key ?? Guid.NewGuid().ToString("N"));

    public static async Task<Answer> PostRawAsync(this HttpClient client, string path, string json, string? key, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, contentType) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await SendAsync(client, request);
    }

    public static async Task<Answer> PutJsonAsync(this HttpClient client, string path, object body) =>
        await SendAsync(client, new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(JsonConvert.SerializeObject(body), Encoding.UTF8, "application/json") });

    public static async Task<Answer> DeleteJsonAsync(this HttpClient client, string path) =>
        await SendAsync(client, new HttpRequestMessage(HttpMethod.Delete, path));

    public static async Task<Answer> GetJsonAsync(this HttpClient client, string path) =>
        await SendAsync(client, new HttpRequestMessage(HttpMethod.Get, path));

    public static async Task<Answer> SendAsync(this HttpClient client, HttpRequestMessage request)
    {
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length > 0 && text.TrimStart().StartsWith('{') ? JObject.Parse(text) : new JObject { ["text"] = text };
        return new Answer(response.StatusCode, body, response);
    }

    /// A problem document in both languages with this status (and code, when given).
    public static Answer ShouldBeProblem(this Answer answer, HttpStatusCode status, string? code = null)
    {
        Assert.True(status == answer.Status, $"expected {(int)status}, got {(int)answer.Status}: {answer.Body}");
        Assert.Equal("application/problem+json", answer.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, (int?)answer.Body["status"]);
        Assert.False(string.IsNullOrWhiteSpace(answer["zh"]), $"zh missing: {answer.Body}");
        Assert.False(string.IsNullOrWhiteSpace(answer["en"]), $"en missing: {answer.Body}");
        if (code is not null) Assert.True(code == answer["code"], $"expected code {code}: {answer.Body}");
        return answer;
    }

    public static Answer ShouldBe(this Answer answer, HttpStatusCode status)
    {
        Assert.True(status == answer.Status, $"expected {(int)status}, got {(int)answer.Status}: {answer.Body}");
        return answer;
    }
}
