using PointsEngine.Api.Registry;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Rules;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Queries;
using PointsEngine.Store;

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
        return defaults with
        {
            Actors = defaults.Actors with { AskTimeout = configuration.GetValue("Scoring:AskTimeout", defaults.Actors.AskTimeout) },
            Dispatcher = defaults.Dispatcher with
            {
                MaxInFlight = configuration.GetValue("Scoring:MaxInFlight", defaults.Dispatcher.MaxInFlight),
                MaxInFlightWhileRecording = configuration.GetValue("Scoring:MaxInFlightWhileRecording", defaults.Dispatcher.MaxInFlightWhileRecording),
            },
        };
    }
}

/// Owns the scoring engine: starts it when the host starts and disposes it when the host stops (the
/// engine lets deliveries under way finish and saves its checkpoint), before the store closes.
/// `Scoring:Run=false` records without scoring, for a process beside another that scores the same
/// PostgreSQL log.
public sealed class ScoringHost(ScoringEngine engine, bool run, ILogger<ScoringHost> log) : IHostedService, IAsyncDisposable
{
    private int _disposed;

    public ScoringEngine Engine => engine;

    /// Whether this process is scoring now (so waiting for a fact to be scored can succeed).
    public bool Running { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        if (!run)
        {
            log.LogInformation("Scoring is off in this process (Scoring:Run=false): facts are recorded, not scored");
            return;
        }
        await engine.StartAsync(ct).ConfigureAwait(false);
        Running = true;
        log.LogInformation("Scoring started from its checkpoint");
    }

    public async Task StopAsync(CancellationToken ct) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        Running = false;
        await engine.DisposeAsync().ConfigureAwait(false);
    }
}
