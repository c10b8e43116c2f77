using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Runner;
using PointsEngine.Store;

namespace PointsEngine.Api.Hosting;

public static class ProjectionRegistration
{
    /// The read models (standings, rankings, evidence, dashboards, warnings) in the store's own database,
    /// kept up to date by a projection runner the host starts and stops.
    public static IServiceCollection AddReadModels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => new ReadModels(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<EventSerializer>()));
        services.AddSingleton(sp => new ProjectionHost(
            () => new ProjectionRunner(
                sp.GetRequiredService<IEventStore>(),
                sp.GetRequiredService<EventSerializer>(),
                ReadModels.Projections(sp.GetRequiredService<EventSerializer>())),
            configuration.GetValue("Projections:Run", true),
            sp.GetRequiredService<ILogger<ProjectionHost>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ProjectionHost>());
        return services;
    }
}

/// Owns the projection runner: creates or upgrades the read-model tables when the host starts (a schema
/// change rebuilds, with progress in the log), then follows the log until the host stops.
/// `Projections:Run=false` serves queries from tables another process keeps up to date.
public sealed class ProjectionHost(Func<ProjectionRunner> create, bool run, ILogger<ProjectionHost> log) : IHostedService, IAsyncDisposable
{
    private int _disposed;
    private ProjectionRunner? _runner;

    /// The runner, once started (a process that does not project never opens one).
    public ProjectionRunner Runner => _runner ?? throw new InvalidOperationException("The projection runner is not started in this process.");

    /// Whether this process is projecting now (so waiting for the read models to catch up can succeed).
    public bool Running { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        if (!run)
        {
            log.LogInformation("Projections are off in this process (Projections:Run=false)");
            return;
        }
        var runner = _runner = create();
        var lastDecile = -1;
        await runner.InitializeAsync(new Progress<RebuildProgress>(p =>
        {
            // A rebuild at start-up can take a while on a big log: a line per tenth, not per batch.
            var decile = (int)(p.Fraction * 10);
            if (decile == lastDecile) return;
            lastDecile = decile;
            log.LogInformation("Rebuilding read model {Projection}: {Events} events, {Percent:P0} of the log, {Rate:N0} events/s",
                p.Projection, p.Events, p.Fraction, p.EventsPerSecond);
        }), ct).ConfigureAwait(false);
        await runner.StartAsync(ct).ConfigureAwait(false);
        Running = true;
        log.LogInformation("Read models are following the log from their checkpoints");
    }

    public async Task StopAsync(CancellationToken ct) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        Running = false;
        if (_runner is not null) await _runner.DisposeAsync().ConfigureAwait(false);
    }
}
