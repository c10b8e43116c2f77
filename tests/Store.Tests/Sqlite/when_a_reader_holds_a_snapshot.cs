using Microsoft.Data.Sqlite;
using PointsEngine.Store.Sqlite;
using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Sqlite;

/// #7: a reader in the middle of a statement holds its snapshot, and with it the WAL: SQLite cannot empty
/// the WAL until it lets go. The store's writer empties the WAL between commits when it passes a threshold,
/// waiting only briefly for readers, and subscriptions hold no statement open while their consumer works.
public sealed class when_a_reader_holds_a_snapshot : IAsyncLifetime
{
    private const long Threshold = 64 << 10;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10); // far beyond the store's waits, far below SQLite's 30 s

    private TempSqlite _db = null!;

    public async Task InitializeAsync() => _db = await TempSqlite.OpenAsync(o => o with
    {
        WalCheckpointThreshold = Threshold,
        WalCheckpointWait = TimeSpan.FromMilliseconds(50),
    });

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static readonly string Payload = $$"""{"pad":"{{new string('x', 2_000)}}"}""";

    private static EventData[] NewEvents(int count) => Enumerable.Range(0, count)
        .Select(_ => new EventData(Guid.NewGuid(), "V1.Padded", Payload, new EventMetadata(DateTimeOffset.UnixEpoch, "test")))
        .ToArray();

    private long WalSize() => new FileInfo(_db.Path + "-wal") is { Exists: true } f ? f.Length : 0;

    /// A connection of another process, without a busy handler: it gets SQLITE_BUSY at once.
    private SqliteConnection Foreign()
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _db.Path, Pooling = false }.ToString());
        c.Open();
        return c;
    }

    private static (long Busy, long Frames) TruncateCheckpoint(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        return (r.GetInt64(0), r.GetInt64(1));
    }

    [Fact]
    public async Task a_subscription_whose_consumer_pauses_mid_page_leaves_the_wal_free()
    {
        // Given a few events in the WAL (under the threshold: the writer leaves them there)
        await _db.Store.AppendToStreamAsync(new StreamName("member-1"), ExpectedRevision.NoStream, NewEvents(3));
        Assert.True(WalSize() > 0);

        // When a subscription's consumer takes the first event of a page and then works a while
        await using var subscription = _db.Store.SubscribeToAllAsync(LogPosition.Start).GetAsyncEnumerator();
        Assert.True(await subscription.MoveNextAsync());

        // Then no read is open meanwhile: the WAL can be emptied while the consumer still works. A checkpoint
        // reports busy rather than waiting, and the store's own writer may hold its lock for a moment after the
        // append (it failed so once in CI at load), so it is tried for up to 2 s: a read held by the paused
        // subscription would keep it busy all that time.
        using var other = Foreign();
        var truncated = TruncateCheckpoint(other);
        for (var attempt = 0; truncated != (0L, 0L) && attempt < 20; attempt++)
        {
            await Task.Delay(100);
            truncated = TruncateCheckpoint(other);
        }
        Assert.Equal((0L, 0L), truncated);
        Assert.Equal(0, WalSize());

        // And the subscription goes on with the rest of its page
        Assert.True(await subscription.MoveNextAsync());
        Assert.Equal(new LogPosition(2), subscription.Current.Position);
        Assert.True(await subscription.MoveNextAsync());
        Assert.Equal(new LogPosition(3), subscription.Current.Position);
    }

    [Fact]
    public async Task appends_go_on_past_the_threshold_and_the_wal_is_emptied_once_the_reader_lets_go()
    {
        // Given a reader in the middle of a statement
        var stream = new StreamName("member-1");
        await _db.Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, NewEvents(1));
        var reader = await _db.Store.OpenReaderAsync(CancellationToken.None);
        var statement = reader.CreateCommand();
        statement.CommandText = "SELECT position FROM events";
        var rows = statement.ExecuteReader();
        Assert.True(rows.Read());

        // When appends take the WAL well past the threshold, each of them after a checkpoint that waited for
        // that reader (SQLite would wait 30 s for it: these complete once the store's own wait is over)
        for (var i = 0; i < 10; i++)
            await _db.Store.AppendToStreamAsync(stream, ExpectedRevision.Any, NewEvents(10)).WaitAsync(Patience);
        var held = WalSize();
        Assert.True(held > 2 * Threshold, $"the WAL is only {held} bytes");

        // Then once the reader lets go, a checkpoint between the next commits empties it
        await rows.DisposeAsync();
        await statement.DisposeAsync();
        await reader.DisposeAsync();
        var sizes = new List<long>();
        for (var i = 0; i < 10 && (sizes.Count == 0 || sizes[^1] >= Threshold); i++)
        {
            await _db.Store.AppendToStreamAsync(stream, ExpectedRevision.Any, NewEvents(2)).WaitAsync(Patience);
            sizes.Add(WalSize());
        }
        Assert.True(sizes[^1] < Threshold, $"the WAL stayed at {string.Join(", ", sizes)} bytes after {held} with the reader");
        Assert.Equal(1 + 10 * 10 + 2 * sizes.Count, (await _db.Store.ReadHeadPositionAsync()).Value);
    }
}
