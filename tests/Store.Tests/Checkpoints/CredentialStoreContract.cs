using PointsEngine.Store.Postgres;
using PointsEngine.Store.Sqlite;
using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Checkpoints;

/// #18: password hashes and the sign-in lockout in side tables of the store's own database, once for every
/// backend. Each test opens the database twice, as two engine processes would: what one writes the other sees.
public abstract class CredentialStoreContract : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    /// Two credential stores on one fresh database, as two processes open it.
    protected abstract Task<(ICredentialStore First, ICredentialStore Second, IAsyncDisposable[] Owners)> OpenTwiceAsync();

    private async Task<(ICredentialStore, ICredentialStore)> Open()
    {
        var (a, b, owners) = await OpenTwiceAsync();
        _owned.AddRange(owners);
        return (a, b);
    }

    [Fact]
    public async Task a_hash_kept_by_one_process_is_found_by_another_and_forgotten_for_both()
    {
        var (one, other) = await Open();
        Assert.Null(await other.FindHashAsync("stamp-1"));

        await one.PutHashAsync("stamp-1", "hash-1");
        await one.PutHashAsync("stamp-1", "hash-1"); // the same pair again changes nothing
        await one.PutHashAsync("stamp-2", "hash-2");
        Assert.Equal("hash-1", await other.FindHashAsync("stamp-1"));

        await other.ForgetHashAsync("stamp-1");
        Assert.Null(await one.FindHashAsync("stamp-1"));
        Assert.Equal("hash-2", await one.FindHashAsync("stamp-2"));
    }

    [Fact]
    public async Task failures_counted_by_two_processes_add_up_and_a_lock_holds_for_both()
    {
        var (one, other) = await Open();
        const long day = 86_400_000;
        Assert.Equal(1, await one.AddFailureAsync("13800138000", 1_000, day));
        Assert.Equal(2, await other.AddFailureAsync("13800138000", 2_000, day));
        Assert.Equal(3, await one.AddFailureAsync("13800138000", 3_000, day));
        Assert.Equal(1, await other.AddFailureAsync("another", 3_000, day));

        await one.LockAsync("13800138000", 60_000);
        await other.LockAsync("13800138000", 30_000); // never shortened
        Assert.Equal(60_000, await other.LockedUntilAsync("13800138000"));
        Assert.Equal(0, await one.LockedUntilAsync("another"));

        // A day after the last failure the count starts again.
        Assert.Equal(1, await one.AddFailureAsync("another", 3_000 + day + 1, day));

        await other.ClearFailuresAsync("13800138000");
        Assert.Equal(0, await one.LockedUntilAsync("13800138000"));
        Assert.Equal(1, await one.AddFailureAsync("13800138000", 4_000, day));
    }

    [Fact]
    public async Task pruning_drops_quiet_unlocked_names_only()
    {
        var (one, other) = await Open();
        const long day = 86_400_000;
        await one.AddFailureAsync("quiet", 1_000, day);
        await one.AddFailureAsync("locked", 1_000, day);
        await one.LockAsync("locked", 10 * day);
        await one.AddFailureAsync("recent", 5 * day, day);

        await other.PruneFailuresAsync(2 * day);

        Assert.Equal(1, await one.AddFailureAsync("quiet", 2 * day, 10 * day)); // gone: counted from 1 again
        Assert.Equal(10 * day, await one.LockedUntilAsync("locked"));
        Assert.Equal(2, await one.AddFailureAsync("recent", 5 * day, day));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var o in Enumerable.Reverse(_owned)) await o.DisposeAsync();
    }
}

public sealed class SqliteCredentialStoreContract : CredentialStoreContract
{
    protected override async Task<(ICredentialStore, ICredentialStore, IAsyncDisposable[])> OpenTwiceAsync()
    {
        var temp = await TempSqlite.OpenAsync();
        var second = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(temp.Path));
        return (new SqliteCredentialStore(temp.Store), new SqliteCredentialStore(second), [temp, second]);
    }
}

[Collection(PostgresFixture.Collection)]
public sealed class PostgresCredentialStoreContract(PostgresFixture postgres) : CredentialStoreContract
{
    protected override async Task<(ICredentialStore, ICredentialStore, IAsyncDisposable[])> OpenTwiceAsync()
    {
        var database = await postgres.CreateDatabaseAsync("credentials");
        var first = await PostgresEventStore.OpenAsync(new PostgresStoreOptions(database));
        var second = await PostgresEventStore.OpenAsync(new PostgresStoreOptions(database));
        return (new PostgresCredentialStore(first), new PostgresCredentialStore(second), [first, second]);
    }
}
