using PointsEngine.Store;

namespace PointsEngine.Api.Registry;

/// Loads the organisation directory before the server takes requests, then follows the log so writes
/// by other engine processes (PostgreSQL deployments) reach this process's directory too.
public sealed class DirectoryFollower(OrganisationDirectory directory, IEventStore store, ILogger<DirectoryFollower> log) : BackgroundService
{
    private LogPosition _from;

    public override async Task StartAsync(CancellationToken ct)
    {
        // The head first: anything committed after it is delivered by the subscription as well, and
        // folding it twice is harmless (the directory reads on from its own revision).
        _from = await store.ReadHeadPositionAsync(ct).ConfigureAwait(false);
        var snapshot = await directory.CatchUpAsync(ct).ConfigureAwait(false);
        log.LogInformation("Organisation directory loaded: {Branches} branches, {Members} members, {RuleSets} rule sets",
            snapshot.Branches.Count, snapshot.Members.Count, snapshot.Rules.Sets.Count);
        await base.StartAsync(ct).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var e in store.SubscribeToAllAsync(_from, stoppingToken).ConfigureAwait(false))
                {
                    if (OrganisationDirectory.Holds(e.Stream)) await directory.CatchUpAsync(e.Stream, stoppingToken).ConfigureAwait(false);
                    _from = e.Position;
                    backoff = TimeSpan.FromMilliseconds(200);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Following the log for the organisation directory failed; retrying in {Backoff}", backoff);
                try { await Task.Delay(backoff, stoppingToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }
}
