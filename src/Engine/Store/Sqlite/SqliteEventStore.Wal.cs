using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace PointsEngine.Store.Sqlite;

// Keeping the WAL bounded (#7). SQLite checkpoints automatically after commits (PASSIVE): it copies into the
// database what no reader still needs, but it never waits for readers, and the WAL starts again from its
// beginning only when a writer finds it fully copied and no reader in it. With catch-up subscriptions,
// projections and queries overlapping, some reader is always in it, so the file grows without end.
// A TRUNCATE checkpoint waits for the readers that still use the WAL (new ones read the database instead
// once it is fully copied), then empties the file.
public sealed partial class SqliteEventStore
{
    // After a checkpoint the readers refused, the next is tried once the WAL has grown by half the threshold
    // again, or after ten times the wait when writes slow down: either way readers that keep refusing cost
    // the writers a bounded share of their time, and the WAL overshoots by about half a threshold per refusal.
    private long _walRetryAt;    // Stopwatch timestamp
    private long _walRetryAbove; // bytes
    private const int RetryAfterWaits = 10;

    /// Each refusal in a row doubles the next checkpoint's wait, up to 8 × <see cref="SqliteStoreOptions.WalCheckpointWait"/>:
    /// readers that keep overlapping get more time to drain (those that start once the WAL is copied read
    /// the database and do not hold it up).
    private int _walRefusals;
    private const int LongestWaitDoublings = 3;

    protected override ValueTask BetweenBatchesAsync(CancellationToken ct)
    {
        if (_writer is not { } c) return ValueTask.CompletedTask;
        var threshold = _options.WalCheckpointThreshold;
        var size = WalSize();
        if (size <= threshold || (size < _walRetryAbove && Stopwatch.GetTimestamp() < _walRetryAt)) return ValueTask.CompletedTask;

        var wait = _options.WalCheckpointWait * (1 << _walRefusals);
        if (TryTruncateWal(c, wait))
        {
            _walRefusals = 0;
            _walRetryAbove = 0;
            _walRetryAt = 0;
        }
        else
        {
            _walRefusals = Math.Min(_walRefusals + 1, LongestWaitDoublings);
            _walRetryAbove = size + threshold / 2;
            _walRetryAt = Stopwatch.GetTimestamp() + (long)((wait * RetryAfterWaits).TotalSeconds * Stopwatch.Frequency);
        }
        return ValueTask.CompletedTask;
    }

    private long WalSize()
    {
        var wal = new FileInfo(_walPath);
        return wal.Exists ? wal.Length : 0;
    }

    /// Checkpoints the whole WAL and truncates it, waiting at most <paramref name="wait"/> for readers (SQLite
    /// counts one busy wait across the whole statement); false when they were still in it (what could be
    /// copied was copied).
    private bool TryTruncateWal(SqliteConnection c, TimeSpan wait)
    {
        SqliteBusyWait.Install(c, wait);
        try
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            using var result = cmd.ExecuteReader();
            return result.Read() && result.GetInt64(0) == 0; // busy, frames in the WAL, frames copied
        }
        catch (SqliteException)
        {
            return false; // the next attempt, or the next commit, meets whatever went wrong
        }
        finally
        {
            SqliteBusyWait.Install(c, SqliteBusyWait.DefaultTimeout);
        }
    }
}
