using PointsEngine.Domain.Facts;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Runner;
using PointsEngine.Store;
using PointsEngine.Store.Postgres;
using PointsEngine.Store.Sqlite;

namespace PointsEngine.Projections.Tests.Support;

/// The whole pipeline on one real store: facts recorded through the scoring engine, member actors
/// deciding awards, the projection runner following the log, and the query layer on top.
public sealed class Scenario : IAsyncDisposable
{
    private readonly Func<ValueTask> _disposeStore;
    private ProjectionRunner? _runner;

    private Scenario(IEventStore store, Func<ValueTask> disposeStore)
    {
        Store = store;
        _disposeStore = disposeStore;
        Serializer = DomainSerializer.Create();
        Checkpoints = store switch
        {
            SqliteEventStore s => new SqliteCheckpointStore(s),
            PostgresEventStore p => new PostgresCheckpointStore(p),
            _ => throw new NotSupportedException(),
        };
        Engine = new ScoringEngine(store, Checkpoints, Serializer, RuleSetDocument.Parse);
        ReadModels = new ReadModels(store, Serializer);
    }

    public IEventStore Store { get; }
    public EventSerializer Serializer { get; }
    public ICheckpointStore Checkpoints { get; }
    public ScoringEngine Engine { get; }
    public ReadModels ReadModels { get; }
    public ProjectionRunner Runner => _runner ?? throw new InvalidOperationException("No runner started.");

    public static async Task<Scenario> StartAsync(Backend backend, ProjectionRunnerOptions? runner = null)
    {
        var (store, dispose) = await backend.OpenAsync();
        var scenario = new Scenario(store, dispose);
        await scenario.Engine.StartAsync();
        await scenario.StartRunnerAsync(runner);
        return scenario;
    }

    public async Task StartRunnerAsync(ProjectionRunnerOptions? options = null)
    {
        _runner = new ProjectionRunner(Store, Serializer, ReadModels.Projections(Serializer), options);
        await _runner.InitializeAsync();
        await _runner.StartAsync();
    }

    /// The runner stops, as in a process that shut down; StartRunnerAsync starts the next one.
    public async Task StopRunnerAsync()
    {
        if (_runner is not null) await _runner.DisposeAsync();
        _runner = null;
    }

    /// The runner dies (its transaction, if any, is rolled back with its connection) and a new one starts.
    public async Task RestartRunnerAsync(ProjectionRunnerOptions? options = null)
    {
        if (_runner is not null) await _runner.DisposeAsync();
        await StartRunnerAsync(options);
    }

    public async Task RecordAsync(IEnumerable<IFact> facts, string recordedBy = "书记")
    {
        foreach (var fact in facts) await Engine.RecordAsync(fact, recordedBy);
    }

    /// Waits until every recorded fact is scored and every projection has caught up with the log.
    /// On PostgreSQL the readable head stops below any transaction still in flight (the runner's own
    /// included), so one reading can lag behind commits: wait until three readings agree.
    public async Task SettleAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var facts = await Store.ReadHeadPositionAsync(timeout.Token);
        await Engine.WaitUntilScoredAsync(facts, timeout.Token);
        var agreed = 0;
        var head = LogPosition.Start;
        while (agreed < 3)
        {
            var now = await Store.ReadHeadPositionAsync(timeout.Token);
            // Scored up to this head too, not only up to the first one: that one may have stopped below the last
            // facts (held back by a transaction then in flight), and a quiet head is no proof scoring is done.
            await Engine.WaitUntilScoredAsync(now, timeout.Token);
            await Runner.WaitForAsync(now, timeout.Token);
            agreed = now == head ? agreed + 1 : 0;
            head = now;
            await Task.Delay(20, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_runner is not null) await _runner.DisposeAsync();
        await Engine.DisposeAsync();
        await _disposeStore();
    }
}
