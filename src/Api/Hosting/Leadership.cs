using PointsEngine.Store.Postgres;

namespace PointsEngine.Api.Hosting;

/// Which process runs a job that must run once per deployment: the scoring dispatcher, the projection
/// runner. Several engine processes on one PostgreSQL database share the members between them (#17), but
/// only one reads the log for scoring and only one projects: a second runner would repeat the first one's
/// work (issue #8 item 2, #17).
public interface ILeadership : IAsyncDisposable
{
    /// Tries to become the process that runs the job; true once this process holds leadership.
    Task<bool> TryAcquireAsync(CancellationToken ct);

    /// Whether leadership is still held; false once it is lost (the lock's session died).
    Task<bool> StillHeldAsync(CancellationToken ct);
}

/// SQLite: one server process owns the database file, so it always leads. A second process on the same
/// file is not a supported deployment (use PostgreSQL for several processes).
public sealed class SingleProcessLeadership : ILeadership
{
    public Task<bool> TryAcquireAsync(CancellationToken ct) => Task.FromResult(true);

    public Task<bool> StillHeldAsync(CancellationToken ct) => Task.FromResult(true);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// PostgreSQL: a session-level advisory lock (<see cref="PostgresSessionLock"/>), one key per job.
public sealed class PostgresAdvisoryLeadership(string connectionString, long key, string applicationName) : ILeadership
{
    private readonly PostgresSessionLock _lock = new(connectionString, key, applicationName);

    public Task<bool> TryAcquireAsync(CancellationToken ct) => _lock.TryAcquireAsync(ct);

    public Task<bool> StillHeldAsync(CancellationToken ct) => _lock.StillHeldAsync(ct);

    public ValueTask DisposeAsync() => _lock.DisposeAsync();

    /// The leadership of the job behind <paramref name="key"/> for this store: a lock on PostgreSQL, none on SQLite.
    public static ILeadership For(IConfiguration configuration, long key, string applicationName)
    {
        var store = configuration.GetSection(StoreSettings.Section).Get<StoreSettings>() ?? new StoreSettings();
        return store.Provider.Equals("postgres", StringComparison.OrdinalIgnoreCase) && store.ConnectionString is { Length: > 0 } cs
            ? new PostgresAdvisoryLeadership(cs, key, applicationName)
            : new SingleProcessLeadership();
    }
}

/// Leads while it holds <paramref name="leadership"/>: tries at start and then every <paramref name="retry"/>;
/// <paramref name="lead"/> starts the job once leadership is taken, <paramref name="stepDown"/> stops it when
/// leadership is lost (another process may lead already) or the host stops.
public sealed class LeaderLoop(
    ILeadership leadership,
    TimeSpan retry,
    Func<CancellationToken, Task> lead,
    Func<Task> stepDown,
    string job,
    ILogger log) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _following = Task.CompletedTask;
    private int _disposed;

    /// Whether the job runs in this process now.
    public bool Leading { get; private set; }

    /// Leadership changes seen by this process (1 after a first start as leader).
    public int Takeovers { get; private set; }

    /// The usual case (SQLite, or the first PostgreSQL process) leads at once, and start-up waits for the
    /// job to start; a follower starts at once and keeps trying.
    public async Task StartAsync(CancellationToken ct)
    {
        if (await leadership.TryAcquireAsync(ct).ConfigureAwait(false))
            await LeadAsync(ct).ConfigureAwait(false);
        else
            log.LogInformation("Another process runs {Job}; this one follows and tries to take over every {Retry}", job, retry);
        _following = Task.Run(() => SuperviseAsync(_stopping.Token), CancellationToken.None);
    }

    private async Task LeadAsync(CancellationToken ct)
    {
        await lead(ct).ConfigureAwait(false);
        Leading = true;
        Takeovers++;
    }

    private async Task SuperviseAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(retry, ct).ConfigureAwait(false);
                if (Leading)
                {
                    if (await leadership.StillHeldAsync(ct).ConfigureAwait(false)) continue;
                    // The lock's session is gone, so another process may lead already: stop at once.
                    log.LogWarning("Leadership of {Job} lost; stopping it", job);
                    await StepDownAsync().ConfigureAwait(false);
                }
                else if (await leadership.TryAcquireAsync(ct).ConfigureAwait(false))
                {
                    await LeadAsync(ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Starting failed (the database went away meanwhile): give the lock up and try again.
                log.LogError(e, "Taking over {Job} failed; trying again", job);
                await StepDownAsync().ConfigureAwait(false);
                await leadership.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task StepDownAsync()
    {
        Leading = false;
        await stepDown().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        try { await _following.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        await StepDownAsync().ConfigureAwait(false);
        await leadership.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
