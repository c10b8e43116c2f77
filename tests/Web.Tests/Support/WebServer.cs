using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Hosting;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.Store;

namespace PointsEngine.Web.Tests.Support;

/// The real server on Kestrel at a free loopback port (a browser cannot reach the in-memory TestServer),
/// on a temp SQLite file, with a known signing key so tests can mint tokens for any role.
public sealed class WebServer : IAsyncDisposable
{
    private const string SigningKey = "web-test-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz";

    private readonly string _dir = Directory.CreateTempSubdirectory("pe-web-").FullName;
    private readonly WebApplicationFactory<Program> _factory;

    /// <param name="settings">more configuration, e.g. ForwardedHeaders:KnownNetworks:0.</param>
    /// <param name="services">replacements, e.g. a clock the test moves.</param>
    public WebServer(IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Auth:SigningKey", SigningKey)
                .UseSetting("Store:Path", Path.Combine(_dir, "points.db"))
                .UseSetting("urls", "http://127.0.0.1:0");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) b.UseSetting(key, value);
            if (services is not null) b.ConfigureServices(services);
        });
        _factory.UseKestrel();
        _factory.StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)).Replace("[::]", "127.0.0.1", StringComparison.Ordinal)
            .Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        Admin = Api(Token(Role.Admin, "admin-1", name: "管理员甲"));
    }

    public string BaseUrl { get; }

    public IServiceProvider Services => _factory.Services;

    public HttpClient Admin { get; }

    public string Token(Role role, string subject, IEnumerable<string>? branches = null, string? member = null, string? name = null) =>
        Services.GetRequiredService<TokenService>().IssueNew(subject, name ?? subject, role, [.. (branches ?? []).Select(BranchId.Parse)],
            member is null ? null : MemberId.Parse(member), TimeSpan.FromHours(2)).Token;

    public string ExpiredToken(Role role, string subject)
    {
        var issued = DateTimeOffset.UtcNow.AddHours(-3);
        return Services.GetRequiredService<TokenService>().Issue(new AccessToken(subject, subject, role, [], null, issued, issued.AddHours(1), "expired"));
    }

    /// A client of the JSON API on the real port.
    public HttpClient Api(string? token)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task PostAsync(string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await Admin.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task PublishDefaultRulesAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rules?wait=true")
        {
            Content = new StringContent(PointsEngine.TestSupport.TypicalRules.Document(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", "rules-default");
        using var response = await Admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// A branch with members m-prefix-01 … enrolled on 2025-01-01 (through the API, as an admin would).
    public async Task<string[]> BranchAsync(string branch, string name, int members)
    {
        await PostAsync("/api/branches", new { branch, name, occurredOn = "2025-01-01" }, $"branch-{branch}");
        var ids = Enumerable.Range(1, members).Select(i => $"{branch}-m{i:00}").ToArray();
        var names = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛";
        for (var i = 0; i < ids.Length; i++)
            await PostAsync("/api/members?wait=true", new { member = ids[i], name = $"{names[i % names.Length]}{(i / names.Length) switch { 0 => "明", _ => "亮" }}{i + 1}", branch, occurredOn = "2025-01-01" }, $"enrol-{ids[i]}");
        return ids;
    }

    public IEventStore Store => Services.GetRequiredService<IEventStore>();

    /// The head of the log once scoring has caught up with it, so a refused form can be shown to have
    /// written nothing (awards follow facts into the log).
    public async Task<LogPosition> SettledHeadAsync()
    {
        var engine = Services.GetRequiredService<ScoringHost>().Engine;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (true)
        {
            var head = await Store.ReadHeadPositionAsync(timeout.Token);
            await engine.WaitUntilScoredAsync(head, timeout.Token);
            if (await Store.ReadHeadPositionAsync(timeout.Token) == head) return head;
        }
    }

    public async Task<List<RecordedEvent>> StreamAsync(string stream)
    {
        var list = new List<RecordedEvent>();
        await foreach (var e in Store.ReadStreamAsync(new StreamName(stream), StreamRevision.Start)) list.Add(e);
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { /* a reader still closing: the OS temp cleaner gets it */ }
    }
}
