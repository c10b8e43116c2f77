using PointsEngine.Api.Registry;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Rules;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Queries;
using PointsEngine.Engine.Actors;
using PointsEngine.Store;
using PointsEngine.Store.Postgres;

namespace PointsEngine.Api.Hosting;

public static class ScoringRegistration
{
    public static IServiceCollection AddScoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(DomainSerializer.Create());
        services.AddSingleton<Func<RuleSetPublished, RuleSet>>(RuleSetDocument.Parse);
        services.AddSingleton(sp => new ScoringHost(
            new ScoringEngine(
                sp.GetRequiredService<IEventStore>(),
                sp.GetRequiredService<ICheckpointStore>(),
                sp.GetRequiredService<EventSerializer>(),
                RuleSetDocument.Parse,
                EngineOptions(configuration)),
            configuration.GetValue("Scoring:Run", true),
            PostgresAdvisoryLeadership.For(configuration, PostgresSessionLock.DispatcherKey, "pointsengine-scoring-leader"),
            TimeSpan.FromSeconds(configuration.GetValue("Projections:LeadershipRetrySeconds", 1.0)),
            sp.GetRequiredService<ILogger<ScoringHost>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ScoringHost>());

        services.AddSingleton(sp => new OrganisationDirectory(
            sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<EventSerializer>(), RuleSetDocument.Parse));
        services.AddHostedService<DirectoryFollower>();
        services.AddSingleton<IFactLookup>(sp => new StoreFactLookup(
            sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<EventSerializer>(), ReadModelsIfAny(sp)));
        services.AddSingleton<FactWriter>();
        services.Configure<ApiSettings>(configuration.GetSection(ApiSettings.Section));
        return services;
    }

    /// The read models, unless the store is one they cannot live in (a test's wrapper around the store):
    /// then facts are found in the log alone.
    private static ReadModels? ReadModelsIfAny(IServiceProvider sp)
    {
        try
        {
            return sp.GetRequiredService<ReadModels>();
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    /// `Scoring:MaxInFlight` (deliveries awaiting their actors at once; at most one per member) bounds the
    /// memory scoring uses however far it falls behind; `Scoring:MaxInFlightWhileRecording` is how far scoring
    /// steps back while people record. `Scoring:AskTimeout` is how long a delivery waits for its actor's reply
    /// before it is sent again.
    private static ScoringEngineOptions EngineOptions(IConfiguration configuration)
    {
        var defaults = new ScoringEngineOptions();
        var cluster = ClusterOptionsOf(configuration);
        // A delivery sent to a node that just died is lost; it is sent again after the ask time-out, so with
        // several nodes that is short (its members answer from a survivor within 30 s, #17).
        var askTimeout = cluster.IsMultiNode ? TimeSpan.FromSeconds(5) : defaults.Actors.AskTimeout;
        return defaults with
        {
            Actors = defaults.Actors with { AskTimeout = configuration.GetValue("Scoring:AskTimeout", askTimeout) },
            Dispatcher = defaults.Dispatcher with
            {
                MaxInFlight = configuration.GetValue("Scoring:MaxInFlight", defaults.Dispatcher.MaxInFlight),
                MaxInFlightWhileRecording = configuration.GetValue("Scoring:MaxInFlightWhileRecording", defaults.Dispatcher.MaxInFlightWhileRecording),
            },
            Cluster = cluster,
        };
    }

    /// `Engine:Cluster:Hostname` / `Port` / `SeedNodes` (environment: `Engine__Cluster__Port`, …): where this
    /// engine node listens and which nodes it joins. Seed nodes as one comma-separated value or as a list; none
    /// (the default) is a one-node cluster of this process on loopback. Several nodes need the PostgreSQL store,
    /// where their split-brain lease lives.
    public static ClusterOptions ClusterOptionsOf(IConfiguration configuration)
    {
        var section = configuration.GetSection("Engine:Cluster");
        var seeds = section.GetSection("SeedNodes");
        var store = configuration.GetSection(StoreSettings.Section).Get<StoreSettings>() ?? new StoreSettings();
        var defaults = new ClusterOptions();
        return new ClusterOptions
        {
            Hostname = section.GetValue("Hostname", defaults.Hostname)!,
            Port = section.GetValue("Port", defaults.Port),
            SeedNodes = [.. (seeds.Value is { } list ? list.Split(',') : seeds.GetChildren().Select(c => c.Value ?? ""))
                .Select(s => s.Trim()).Where(s => s.Length > 0)],
            LeaseConnectionString = store.Provider.Equals("postgres", StringComparison.OrdinalIgnoreCase) ? store.ConnectionString : null,
            StableAfter = TimeSpan.FromSeconds(section.GetValue("StableAfterSeconds", defaults.StableAfter.TotalSeconds)),
            ExitWhenDowned = true,
        };
    }
}

/// Owns the scoring engine: starts this node's member actors when the host starts, and the dispatcher while this
/// process leads (the advisory lock on PostgreSQL, always on SQLite: one dispatcher reads the log for the whole
/// deployment, #17); disposes it when the host stops (deliveries under way finish and the checkpoint is saved),
/// before the store closes. `Scoring:Run=false` records without scoring, for a process beside others that score
/// the same PostgreSQL log.
public sealed class ScoringHost(
    ScoringEngine engine, bool run, ILeadership leadership, TimeSpan retry, ILogger<ScoringHost> log) : IHostedService, IAsyncDisposable
{
    private int _disposed;
    private LeaderLoop? _leader;

    public ScoringEngine Engine => engine;

    /// Whether scoring runs (this node hosts members and one node dispatches), so waiting for a fact to be
    /// scored can succeed.
    public bool Running { get; private set; }

    /// Whether this process runs the dispatcher now.
    public bool Dispatching => engine.Dispatching;

    public async Task StartAsync(CancellationToken ct)
    {
        if (!run)
        {
            log.LogInformation("Scoring is off in this process (Scoring:Run=false): facts are recorded, not scored");
            return;
        }
        await engine.StartMembersAsync(ct).ConfigureAwait(false);
        _leader = new LeaderLoop(leadership, retry, engine.StartDispatchingAsync, engine.StopDispatchingAsync, "the scoring dispatcher", log);
        await _leader.StartAsync(ct).ConfigureAwait(false);
        Running = true;
        log.LogInformation("Scoring started: this node hosts its members{Dispatching}",
            engine.Dispatching ? " and dispatches from the checkpoint" : "; another node dispatches");
    }

    public async Task StopAsync(CancellationToken ct) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        Running = false;
        if (_leader is not null) await _leader.DisposeAsync().ConfigureAwait(false);
        else await leadership.DisposeAsync().ConfigureAwait(false);
        await engine.DisposeAsync().ConfigureAwait(false);
    }
}
