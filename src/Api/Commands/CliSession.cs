using Microsoft.Data.Sqlite;
using Npgsql;
using PointsEngine.Api.Hosting;
using PointsEngine.Api.Registry;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Runner;
using PointsEngine.Store;
using PointsEngine.Store.Postgres;
using PointsEngine.Store.Sqlite;

namespace PointsEngine.Api.Commands;

/// The store could not be opened or reached.
public sealed class StoreUnavailableException(string zh, string en, Exception? inner = null) : Exception($"{zh} / {en}", inner)
{
    public string Zh { get; } = zh;
    public string En { get; } = en;
}

/// One command's view of the engine, bootstrapped in one place: the store, the organisation directory, the
/// read models, and — when the command writes or reads points — the scoring engine and projection runner,
/// exactly as `serve` wires them (Hosting/ScoringRegistration, ProjectionRegistration).
public sealed class CliSession : IAsyncDisposable
{
    private ScoringEngine? _engine;
    private ProjectionRunner? _runner;

    private CliSession(IEventStore store, ICheckpointStore checkpoints, string description)
    {
        Store = store;
        Checkpoints = checkpoints;
        Description = description;
        Serializer = DomainSerializer.Create();
        Directory = new OrganisationDirectory(store, Serializer, RuleSetDocument.Parse);
        ReadModels = new ReadModels(store, Serializer);
    }

    public IEventStore Store { get; }
    public ICheckpointStore Checkpoints { get; }
    public EventSerializer Serializer { get; }
    public OrganisationDirectory Directory { get; }
    public ReadModels ReadModels { get; }

    /// "SQLite data/points.db" or "PostgreSQL host/database", for messages (never the password).
    public string Description { get; }

    /// The scoring engine's write path (ScoringEngine.RecordAsync), whether or not this command scores.
    public ScoringEngine Recorder => _engine ??= new ScoringEngine(Store, Checkpoints, Serializer, RuleSetDocument.Parse);

    /// Whether this command runs the scoring engine.
    public bool Scoring { get; private set; }

    /// Opens the store. <paramref name="create"/> false refuses a SQLite file that does not exist yet (a
    /// read command pointed at a mistyped path would otherwise report an empty organisation).
    public static async Task<CliSession> OpenAsync(StoreSettings settings, bool create, CancellationToken ct)
    {
        try
        {
            switch (settings.Provider.ToLowerInvariant())
            {
                case "sqlite":
                {
                    var path = System.IO.Path.GetFullPath(settings.Path);
                    if (!File.Exists(path))
                    {
                        if (!create)
                            throw new StoreUnavailableException($"数据库文件不存在：{path}", $"The database file does not exist: {path}");
                        if (System.IO.Path.GetDirectoryName(path) is { Length: > 0 } dir) System.IO.Directory.CreateDirectory(dir);
                    }
                    var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(path)).ConfigureAwait(false);
                    return new CliSession(store, new SqliteCheckpointStore(store), $"SQLite {path}");
                }
                case "postgres":
                {
                    var connection = settings.ConnectionString
                        ?? throw new UsageException("Store:Provider 为 postgres 但未设置连接字符串（--postgres）。", "Store:Provider is postgres but no connection string is set (--postgres).");
                    var builder = new NpgsqlConnectionStringBuilder(connection);
                    var store = await PostgresEventStore.OpenAsync(new PostgresStoreOptions(connection)).ConfigureAwait(false);
                    return new CliSession(store, new PostgresCheckpointStore(store), $"PostgreSQL {builder.Host}/{builder.Database}");
                }
                default:
                    throw new UsageException($"未知的 Store:Provider “{settings.Provider}”，可选 sqlite 或 postgres。",
                        $"Store:Provider '{settings.Provider}' is not known; use sqlite or postgres.");
            }
        }
        catch (Exception e) when (e is SqliteException or NpgsqlException or IOException or UnauthorizedAccessException
                                   or ArgumentException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new StoreUnavailableException($"无法打开数据库：{e.Message}", $"Cannot open the store: {e.Message}", e);
        }
    }

    /// Starts the scoring engine from its checkpoint (facts recorded before and during the command are scored).
    public async Task StartScoringAsync(CancellationToken ct)
    {
        await Recorder.StartAsync(ct).ConfigureAwait(false);
        Scoring = true;
    }

    /// Creates or upgrades the read-model tables (a schema change rebuilds) and follows the log.
    public async Task<ProjectionRunner> StartProjectionsAsync(ProgressBoard board, CancellationToken ct)
    {
        if (_runner is not null) return _runner;
        var runner = new ProjectionRunner(Store, Serializer, ReadModels.Projections(Serializer));
        var bars = new Dictionary<string, WorkProgress>(StringComparer.Ordinal);
        await runner.InitializeAsync(new SynchronousProgress<RebuildProgress>(p =>
        {
            if (!bars.TryGetValue(p.Projection, out var bar)) bars[p.Projection] = bar = board.Start($"重建 rebuild {p.Projection}", p.Head.Value);
            bar.Set(p.Position.Value, p.Head.Value);
        }), ct).ConfigureAwait(false);
        await runner.StartAsync(ct).ConfigureAwait(false);
        _runner = runner;
        return runner;
    }

    /// Waits until everything in the log is scored (if this command scores) and every read model has
    /// applied it, so the next command (an export) sees the points.
    public async Task CatchUpAsync(ProgressBoard board, CancellationToken ct)
    {
        if (Scoring && _engine is { } engine)
        {
            var head = await Store.ReadHeadPositionAsync(ct).ConfigureAwait(false);
            var from = engine.ScoredUpTo.Value;
            var bar = board.Start("计分 scoring", head.Value - from);
            await WatchAsync(engine.WaitUntilScoredAsync(head, ct), () => bar.Set(engine.ScoredUpTo.Value - from), ct).ConfigureAwait(false);
            bar.Complete();
        }
        var runner = await StartProjectionsAsync(board, ct).ConfigureAwait(false);
        var awarded = await Store.ReadHeadPositionAsync(ct).ConfigureAwait(false);
        var start = runner.UpTo.Value;
        var projecting = board.Start("读模型 read models", awarded.Value - start);
        await WatchAsync(runner.WaitForAsync(awarded, ct), () => projecting.Set(runner.UpTo.Value - start), ct).ConfigureAwait(false);
        projecting.Complete();
    }

    private static async Task WatchAsync(Task work, Action tick, CancellationToken ct)
    {
        while (!work.IsCompleted)
        {
            tick();
            await Task.WhenAny(work, Task.Delay(150, ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
        }
        await work.ConfigureAwait(false);
        tick();
    }

    public async ValueTask DisposeAsync()
    {
        if (_engine is not null) await _engine.DisposeAsync().ConfigureAwait(false);
        if (_runner is not null) await _runner.DisposeAsync().ConfigureAwait(false);
        await Store.DisposeAsync().ConfigureAwait(false);
    }
}

/// Reports on the caller's thread (Progress<T> posts to the thread pool, so reports could arrive after
/// the work they describe has finished).
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
