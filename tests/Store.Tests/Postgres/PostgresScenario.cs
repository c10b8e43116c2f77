using Npgsql;
using PointsEngine.Store.Postgres;

namespace PointsEngine.Store.Tests.Postgres;

/// Small helpers the PostgreSQL scenarios share.
internal static class PostgresScenario
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static Task<PostgresEventStore> OpenAsync(string connectionString, Func<CancellationToken, Task>? beforeCommit = null) =>
        PostgresEventStore.OpenAsync(new PostgresStoreOptions(connectionString)
        {
            BeforeCommit = beforeCommit,
            // Other processes' commits are only seen by polling; keep the poll short so tests stay quick.
            GroupCommit = new GroupCommitOptions { PollInterval = TimeSpan.FromMilliseconds(20) },
        });

    public static EventData NewEvent(string type = "V1.Tested") =>
        new(Guid.NewGuid(), type, $$"""{"n":"{{Guid.NewGuid():N}}"}""", new EventMetadata(DateTimeOffset.UtcNow, "tester"));

    public static async Task<List<RecordedEvent>> ToListAsync(this IAsyncEnumerable<RecordedEvent> events)
    {
        var list = new List<RecordedEvent>();
        await foreach (var e in events) list.Add(e);
        return list;
    }

    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up waiting until {what}.");
            await Task.Delay(10);
        }
    }

    /// Follows a subscription in the background until disposed, collecting what it delivers.
    public sealed class Follower : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<RecordedEvent> _delivered = [];
        private readonly Task _running;

        public Follower(IEventStore store, LogPosition after) =>
            _running = Task.Run(async () =>
            {
                await foreach (var e in store.SubscribeToAllAsync(after, _stop.Token))
                    lock (_delivered) _delivered.Add(e);
            });

        public IReadOnlyList<RecordedEvent> Delivered
        {
            get { lock (_delivered) return _delivered.ToArray(); }
        }

        public Task UntilDeliveredAsync(int count) =>
            UntilAsync(() => Delivered.Count >= count || _running.IsCompleted, $"{count} events are delivered");

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try { await _running; }
            catch (OperationCanceledException) { }
            _stop.Dispose();
        }
    }

    /// A BeforeCommit hook that, once armed, holds the next commit open until released.
    public sealed class HeldCommit
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;

        public void Arm() => Volatile.Write(ref _armed, 1);

        /// Completes once the held transaction has taken its positions and released the append lock.
        public Task Entered => _entered.Task;

        public void Release() => _gate.TrySetResult();

        public async Task BeforeCommitAsync(CancellationToken ct)
        {
            if (Interlocked.Exchange(ref _armed, 0) == 0) return;
            _entered.TrySetResult();
            // Bounded, so a test that fails before releasing cannot hang the store's disposal (which
            // waits for the writer) forever.
            await _gate.Task.WaitAsync(Patience, ct);
        }
    }

    /// Waits until some session of the database blocks on another transaction (a unique-index check
    /// waiting to learn whether a conflicting insert commits).
    public static async Task UntilASessionWaitsForATransactionAsync(string connectionString)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'transactionid'", c);
        var deadline = DateTime.UtcNow + Patience;
        while ((long)(await cmd.ExecuteScalarAsync())! == 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("No session ever waited for the held transaction.");
            await Task.Delay(10);
        }
    }
}
