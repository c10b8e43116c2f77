using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Runner;
using PointsEngine.Store;
using PointsEngine.Store.Postgres;

namespace PointsEngine.Api.Hosting;

public static class ProjectionRegistration
{
    /// The read models (standings, rankings, evidence, dashboards, warnings) in the store's own database,
    /// kept up to date by a projection runner the host starts and stops. On PostgreSQL only the process
    /// holding the projection lock runs it; the others follow and take over when it dies.
    public static IServiceCollection AddReadModels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => new ReadModels(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<EventSerializer>()));
        services.AddSingleton(sp => new ProjectionHost(
            () => new ProjectionRunner(
                sp.GetRequiredService<IEventStore>(),
                sp.GetRequiredService<EventSerializer>(),
                ReadModels.Projections(sp.GetRequiredService<EventSerializer>()),
                new ProjectionRunnerOptions
                {
                    CommitInterval = TimeSpan.FromMilliseconds(configuration.GetValue("Projections:CommitIntervalMs", 50.0)),
                }),
            configuration.GetValue("Projections:Run", true),
            PostgresAdvisoryLeadership.For(configuration, PostgresSessionLock.ProjectionsKey, "pointsengine-projection-leader"),
            TimeSpan.FromSeconds(configuration.GetValue("Projections:LeadershipRetrySeconds", 1.0)),
            ct => sp.GetRequiredService<ReadModels>().ProjectedUpToAsync(ct),
            sp.GetRequiredService<ILogger<ProjectionHost>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ProjectionHost>());
        return services;
    }
}

/// Owns the projection runner: creates or upgrades the read-model tables when this process becomes the
/// projecting one (a schema change rebuilds, with progress in the log), then follows the log until the
/// host stops or leadership is lost. A process that starts as a follower tries for leadership every
/// <c>retry</c> and takes over when the leader's lock is released (the leader stopped or died).
/// `Projections:Run=false` serves queries from tables another process keeps up to date.
public sealed class ProjectionHost(
    Func<ProjectionRunner> create,
    bool run,
    ILeadership leadership,
    TimeSpan retry,
    Func<CancellationToken, Task<LogPosition?>> storedPosition,
    ILogger<ProjectionHost> log)
    : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan FollowerPoll = TimeSpan.FromMilliseconds(50);

    private LeaderLoop? _leader;
    private int _disposed;
    private ProjectionRunner? _runner;
    private volatile bool _running;

    /// The runner, once started (a process that does not project never opens one).
    public ProjectionRunner Runner => Volatile.Read(ref _runner) ?? throw new InvalidOperationException("The projection runner is not started in this process.");

    /// Whether this process is projecting now (so waiting for the read models to catch up can succeed).
    public bool Running => _running;

    /// Whether this process would project if it held leadership (Projections:Run).
    public bool Enabled => run;

    /// Whether waiting for the read models can succeed here: this process projects, or another one does
    /// (this process would lead if it could, so it is a follower of the same deployment).
    public bool CanWait => run && _disposed == 0;

    /// Completes once the read models have committed everything up to <paramref name="position"/>: from the
    /// runner in the leading process, by reading the stored checkpoints in a follower.
    public async Task WaitForAsync(LogPosition position, CancellationToken ct)
    {
        while (true)
        {
            if (_running && Volatile.Read(ref _runner) is { } runner)
            {
                // Bounded, so that losing leadership meanwhile falls back to the stored checkpoints.
                try
                {
                    await runner.WaitForAsync(position, ct).WaitAsync(retry, ct).ConfigureAwait(false);
                    return;
                }
                catch (TimeoutException) { continue; }
            }
            if (await storedPosition(ct).ConfigureAwait(false) is { } stored && stored >= position) return;
            await Task.Delay(FollowerPoll, ct).ConfigureAwait(false);
        }
    }

    private LeaderLoop Loop => _leader ??= new LeaderLoop(leadership, retry, LeadAsync, StopRunnerAsync, "the projections", log);

    /// Leadership changes seen by this process (1 after a first start as leader).
    public int Takeovers => Loop.Takeovers;

    public async Task StartAsync(CancellationToken ct)
    {
        if (!run)
        {
            log.LogInformation("Projections are off in this process (Projections:Run=false)");
            return;
        }
        await Loop.StartAsync(ct).ConfigureAwait(false);
    }

    private async Task LeadAsync(CancellationToken ct)
    {
        var runner = create();
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
        Volatile.Write(ref _runner, runner);
        _running = true;
        log.LogInformation("This process projects: read models are following the log from their checkpoints");
    }

    private async Task StopRunnerAsync()
    {
        _running = false;
        if (Interlocked.Exchange(ref _runner, null) is { } runner) await runner.DisposeAsync().ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken ct) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await Loop.DisposeAsync().ConfigureAwait(false);
    }
}
