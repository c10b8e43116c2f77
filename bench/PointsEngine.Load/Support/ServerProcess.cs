using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PointsEngine.Load.Support;

/// The real server (`pointsengine serve`, the Api project's build output) in a process of its own on a
/// loopback port, as it runs in production.
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }
    public IReadOnlyList<string> Output { get { lock (_output) return [.. _output]; } }

    public static string ServerAssembly => typeof(Api.Access.TokenService).Assembly.Location;

    /// Starts the server; returns at once (see <see cref="WaitUntilHealthyAsync"/>).
    public static ServerProcess Start(string databasePath, string signingKey, params string[] settings)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { ServerAssembly, "serve", "--urls", address.ToString().TrimEnd('/'), "--Store:Path", databasePath,
                     "--Auth:SigningKey", signingKey, "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:PointsEngine", "Information" }
                     .Concat(settings))
            info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the server");
        var server = new ServerProcess(process, address);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output) { if (_output.Count < 2000) _output.Add(line); }
    }

    /// Polls /health until it answers 200; returns when it did.
    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the server exited with {_process.ExitCode}: {string.Join('\n', Output.TakeLast(30))}");
            try
            {
                using var response = await client.GetAsync("/health");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (clock.Elapsed > timeout) throw new TimeoutException($"the server did not answer /health within {timeout}: {string.Join('\n', Output.TakeLast(30))}");
            await Task.Delay(20);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
