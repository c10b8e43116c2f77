using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace PointsEngine.TestSupport;

/// A real, throwaway PostgreSQL server in a temp directory, on a free port: no system service, no mocks.
/// Tests create a fresh database each (CreateDatabaseAsync), so they never see each other's rows.
public sealed partial class PostgresServer : IAsyncDisposable
{
    private const string SuperUser = "pointsengine";
    private const string DirPrefix = "pointsengine-pg-";
    private const string OwnerFile = "owner.pid";

    private readonly string _binDir;
    private readonly string _root;
    private readonly bool _asPostgresUser;
    private readonly EventHandler _onProcessExit;
    private int _stopped;
    // Throwaway by default: no fsync anywhere. A server started in a given directory (StartInAsync) syncs
    // its initdb, and fsyncs at run time as asked.
    private bool _throwaway = true;
    private bool _fsync;

    private PostgresServer(string binDir, string root, bool asPostgresUser, int port)
    {
        _binDir = binDir;
        _root = root;
        _asPostgresUser = asPostgresUser;
        Port = port;
        AdminConnectionString = ConnectionStringFor("postgres");
        _onProcessExit = (_, _) => Stop();
    }

    public int Port { get; }
    public string AdminConnectionString { get; }
    private string DataDir => Path.Combine(_root, "data");
    private string LogFile => Path.Combine(_root, "log");

    public static async Task<PostgresServer> StartAsync()
    {
        // FreePort releases its port before postgres binds it, and test assemblies start servers in
        // parallel: another process can take the port in between. A fresh port on a retry fixes that.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<PostgresServer> StartOnceAsync()
    {
        var binDir = FindBinDir();
        // initdb and postgres refuse to run as root; the Debian package creates a postgres user for this.
        var asPostgresUser = Environment.UserName == "root";
        await StopLeftoversAsync(binDir, asPostgresUser).ConfigureAwait(false);

        var root = Path.Combine(Path.GetTempPath(), DirPrefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(Path.Combine(root, OwnerFile),
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (asPostgresUser)
            await RunAsync("chown", ["-R", "postgres:postgres", root], root).ConfigureAwait(false);

        var server = new PostgresServer(binDir, root, asPostgresUser, FreePort());
        try
        {
            await server.InitAndStartAsync().ConfigureAwait(false);
            AppDomain.CurrentDomain.ProcessExit += server._onProcessExit;
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// A server whose data directory is <paramref name="root"/>/data — on a file system a test cuts the power
    /// of (#16 item 3.1) — with fsync as asked; <paramref name="initialise"/> false starts on the data
    /// directory already there (as after a reboot). Removed with its directory when disposed.
    public static async Task<PostgresServer> StartInAsync(string root, bool fsync, bool initialise = true)
    {
        var binDir = FindBinDir();
        var asPostgresUser = Environment.UserName == "root";
        Directory.CreateDirectory(root);
        if (asPostgresUser)
            await RunAsync("chown", ["-R", "postgres:postgres", root], root).ConfigureAwait(false);
        var server = new PostgresServer(binDir, root, asPostgresUser, FreePort()) { _throwaway = false, _fsync = fsync };
        try
        {
            if (initialise) await server.InitAndStartAsync().ConfigureAwait(false);
            else await server.StartServerAsync().ConfigureAwait(false);
            AppDomain.CurrentDomain.ProcessExit += server._onProcessExit;
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task InitAndStartAsync()
    {
        await PgAsync("initdb", ["-D", DataDir, "-A", "trust", "-U", SuperUser, "-E", "UTF8", "--no-locale", .. _throwaway ? ["--no-sync"] : Array.Empty<string>()])
            .ConfigureAwait(false);
        await StartServerAsync().ConfigureAwait(false);
    }

    private async Task StartServerAsync()
    {
        // fsync and full_page_writes are off only because this server is thrown away after the test run:
        // durability across a machine crash is irrelevant here and skipping fsync makes tests fast.
        var options = string.Join(' ',
            $"-p {Port}", $"-k {_root}", "-c listen_addresses=127.0.0.1", "-c max_connections=200",
            _throwaway ? "-c fsync=off -c full_page_writes=off" : $"-c fsync={(_fsync ? "on" : "off")}");
        try
        {
            await PgAsync("pg_ctl", "-D", DataDir, "-l", LogFile, "-w", "-t", "60", "-o", options, "start").ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile).ConfigureAwait(false) : "(no log)";
            throw new InvalidOperationException($"{e.Message}\nServer log:\n{log}", e);
        }
    }

    /// Creates a fresh, uniquely named database and returns a connection string for it.
    public async Task<string> CreateDatabaseAsync(string? prefix = null)
    {
        var clean = NotIdentifierChars().Replace((prefix ?? "test").ToLowerInvariant(), "_");
        // Identifiers are at most 63 bytes; 40 + 1 + 16 leaves room.
        var name = $"{clean[..Math.Min(clean.Length, 40)]}_{Guid.NewGuid().ToString("N")[..16]}";
        await using var c = new NpgsqlConnection(AdminConnectionString);
        await c.OpenAsync().ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", c);
        await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        return ConnectionStringFor(name);
    }

    private string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = IPAddress.Loopback.ToString(),
        Port = Port,
        Username = SuperUser,
        Database = database,
    }.ToString();

    public ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
        Stop();
        return ValueTask.CompletedTask;
    }

    // Synchronous so it also works from ProcessExit, where nothing asynchronous gets to finish.
    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        StopServerIn(_binDir, _root, _asPostgresUser);
    }

    private static void StopServerIn(string binDir, string root, bool asPostgresUser)
    {
        var dataDir = Path.Combine(root, "data");
        if (File.Exists(Path.Combine(dataDir, "postmaster.pid")))
        {
            try
            {
                // Immediate: the data is thrown away, so there is nothing worth a clean shutdown.
                RunAsync(PgCommand(binDir, asPostgresUser, "pg_ctl", "-D", dataDir, "-m", "immediate", "-w", "stop"), root)
                    .GetAwaiter().GetResult();
            }
            catch (InvalidOperationException)
            {
                // Already stopped; the directory goes anyway.
            }
        }
        try { Directory.Delete(root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    // A test run that crashed (or was killed) leaves its server running; stop the ones whose test
    // process is gone, so they do not pile up on a developer machine.
    private static async Task StopLeftoversAsync(string binDir, bool asPostgresUser)
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), DirPrefix + "*"))
        {
            var ownerFile = Path.Combine(dir, OwnerFile);
            if (!File.Exists(ownerFile)) continue;
            var text = await File.ReadAllTextAsync(ownerFile).ConfigureAwait(false);
            if (!int.TryParse(text, CultureInfo.InvariantCulture, out var owner) || IsAlive(owner)) continue;
            StopServerIn(binDir, dir, asPostgresUser);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string FindBinDir()
    {
        try
        {
            var fromPgConfig = RunAsync(("pg_config", ["--bindir"]), Path.GetTempPath()).GetAwaiter().GetResult().Trim();
            if (File.Exists(Path.Combine(fromPgConfig, "initdb"))) return fromPgConfig;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // No pg_config (it lives in libpq-dev or postgresql-common); try the Debian layout.
        }

        const string debian = "/usr/lib/postgresql";
        if (Directory.Exists(debian))
        {
            var newest = Directory.EnumerateDirectories(debian)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(d => d.Version >= 0 && File.Exists(Path.Combine(d.Dir, "initdb")))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (newest.Dir is not null) return newest.Dir;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        return onPath ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found via pg_config, /usr/lib/postgresql/*/bin or PATH. " +
            "The PostgreSQL tests need a real server: install it with `apt-get install -y postgresql`.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task<string> PgAsync(string tool, params string[] args) =>
        RunAsync(PgCommand(_binDir, _asPostgresUser, tool, args), _root);

    private static (string File, string[] Args) PgCommand(string binDir, bool asPostgresUser, string tool, params string[] args)
    {
        var exe = Path.Combine(binDir, tool);
        return asPostgresUser ? ("runuser", ["-u", "postgres", "--", exe, .. args]) : (exe, args);
    }

    private static Task<string> RunAsync(string file, string[] args, string workingDir) => RunAsync((file, args), workingDir);

    private static async Task<string> RunAsync((string File, string[] Args) command, string workingDir)
    {
        var start = new ProcessStartInfo(command.File)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The postgres user may not be able to enter the test's working directory (e.g. /root).
            WorkingDirectory = workingDir,
        };
        foreach (var a in command.Args) start.ArgumentList.Add(a);
        using var p = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command.File}.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().ConfigureAwait(false);
        var output = await stdout.ConfigureAwait(false);
        var errors = await stderr.ConfigureAwait(false);
        if (p.ExitCode != 0)
        {
            var text = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"`{command.File} {string.Join(' ', command.Args)}` exited with {p.ExitCode}.")
                .AppendLine().Append(output).AppendLine().Append(errors);
            throw new InvalidOperationException(text.ToString());
        }
        return output;
    }

    [GeneratedRegex("[^a-z0-9_]")]
    private static partial Regex NotIdentifierChars();
}
