using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Newtonsoft.Json.Linq;

namespace PointsEngine.Reliability.Tests.Support;

/// The built server (`dotnet pointsengine.dll serve`) as a real operating-system process on a free
/// loopback port: started, probed through /health, and killed with SIGKILL like a crash or an OOM kill.
public sealed class ServerProcess : IAsyncDisposable
{
    private const int OutputLines = 200;

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private int _disposed;

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }
    public Uri BaseAddress { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// The server's last lines of output, for a failure message.
    public string Output
    {
        get { lock (_output) return string.Join('\n', _output); }
    }

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "pointsengine.dll");

    /// Starts `serve` with these settings (as `--Key=Value`) and waits until /health answers.
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> settings, string workingDirectory, TimeSpan? ready = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var server = Launch(settings, workingDirectory, FreePort());
            try
            {
                await server.WaitUntilHealthyAsync(ready ?? TimeSpan.FromSeconds(120));
                return server;
            }
            catch (Exception) when (attempt < 3 && server.HasExited)
            {
                // Most likely the port was taken between choosing it and binding it: another port.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    private static ServerProcess Launch(IReadOnlyDictionary<string, string> settings, string workingDirectory, int port)
    {
        if (!File.Exists(Dll)) throw new FileNotFoundException("The server was not built beside the tests.", Dll);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        start.ArgumentList.Add("--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information");
        foreach (var (key, value) in settings) start.ArgumentList.Add($"--{key}={value}");
        // The test runner's own environment must not leak in (e.g. an ASPNETCORE_URLS of its own).
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        return new ServerProcess(process, port);
    }

    public HttpClient Client(string? token = null, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(100) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// /health's answer, or null when the process does not answer (yet, or any more).
    public async Task<JObject?> HealthAsync(CancellationToken ct = default)
    {
        using var client = Client(timeout: TimeSpan.FromSeconds(10));
        try
        {
            using var response = await client.GetAsync("/health", ct);
            return response.StatusCode == HttpStatusCode.OK ? JObject.Parse(await response.Content.ReadAsStringAsync(ct)) : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return null;
        }
    }

    public async Task WaitUntilHealthyAsync(TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (await HealthAsync() is null)
        {
            if (HasExited) throw new InvalidOperationException($"The server exited with {_process.ExitCode} before it answered:\n{Output}");
            if (deadline.Elapsed > limit) throw new TimeoutException($"The server did not answer /health within {limit}:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// SIGKILL (Process.Kill on Unix): no shutdown hook, no flush, no graceful close of anything.
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: false); }
            catch (InvalidOperationException) { /* it exited meanwhile */ }
        }
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(limit.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await KillAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > OutputLines) _output.Dequeue();
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// One HTTP answer with its body parsed (an empty object when the body is not JSON).
public sealed record Reply(HttpStatusCode Status, JObject Body, HttpResponseHeaders Headers, string? MediaType)
{
    public string? this[string path] => (string?)Body.SelectToken(path);

    public bool Replayed => Headers.TryGetValues("Idempotent-Replayed", out var v) && v.Contains("true");
}

public static class Http
{
    public static async Task<Reply> PostAsync(this HttpClient client, string path, string json, string? idempotencyKey, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await SendAsync(client, request, ct);
    }

    public static async Task<Reply> GetJsonAsync(this HttpClient client, string path, CancellationToken ct = default) =>
        await SendAsync(client, new HttpRequestMessage(HttpMethod.Get, path), ct);

    private static async Task<Reply> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        {
            using var response = await client.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var body = text.TrimStart().StartsWith('{') ? JObject.Parse(text) : new JObject { ["text"] = text };
            return new Reply(response.StatusCode, body, response.Headers, response.Content.Headers.ContentType?.MediaType);
        }
    }
}
