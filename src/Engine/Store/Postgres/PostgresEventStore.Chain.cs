using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using PointsEngine.Store.Chain;

namespace PointsEngine.Store.Postgres;

// Tamper evidence on PostgreSQL (issue #8, item 5). The formula is EventChain's, shared with SQLite.
//
// Why not hash each event as it is inserted, as SQLite does: a writer takes its positions under the append
// lock but commits outside it (see PostgresEventStore). The row just before its first position may belong
// to a transaction that has not committed yet, and may still roll back and leave a gap: its hash is not
// known yet, and may never be. Carrying the chain head in process memory while holding the append lock
// would be correct for one writer process only, and several engine processes share one database.
//
// The design: seal lazily, over the stable prefix. A sealer
//   * takes a transaction-level advisory lock (one sealer at a time, across all processes),
//   * reads the last sealed row (position, hash) and the rows after it that lie below the oldest in-flight
//     transaction, the bound readers use: no transaction can still commit a row among them, so that part
//     of the log is final, and an event's predecessor is simply the previous existing row (gaps left by
//     rollbacks are skipped, and are not tampering);
//   * hashes them in position order onto the last sealed hash and sets the hashes (only where still null).
// Sealing only ever extends a sealed prefix and is idempotent: whoever seals next continues from the last
// sealed row, whatever process it runs in. It runs
//   * after each group commit, on the writer connection, before the callers are told, so that a store whose
//     appends are all acknowledged holds no transaction that could hold back other readers. It only tries
//     the lock: if another process is sealing, that one, the next commit or verify catches up;
//   * at open, for rows written before the column existed, and at the start of verify, both waiting for it.
// Rows committed behind a transaction still in flight stay unsealed until it ends; verify reports them as
// unsealed, never as tampered. A row that cannot be read stops the sealer before it (verify names it).
//
// Costs: every row is written twice (the insert, then the hash), and each batch pays one more short
// transaction, committed with synchronous_commit off: the hashes are derived data, and a seal lost in a
// crash is simply redone. Like any writer, the seal's update briefly holds back other processes' readers.
public sealed partial class PostgresEventStore
{
    private const int SealPage = 5_000;

    /// Seals what is stable, then walks the whole log in one statement (one snapshot, so the sealed rows it
    /// sees always form a prefix). Positions may have gaps here, so a gap alone is not reported.
    public async Task<ChainReport> VerifyChainAsync(ChainVerifyOptions? options = null, CancellationToken ct = default)
    {
        await using var c = await _readers.OpenConnectionAsync(ct).ConfigureAwait(false);
        await SealAsync(c, waitForLock: true, ct).ConfigureAwait(false);
        return await ChainVerifier.VerifyAsync(ReadLinksAsync(c, ct), positionsAreGapless: false, options ?? new(), ct)
            .ConfigureAwait(false);
    }

    private static async IAsyncEnumerable<StoredLink> ReadLinksAsync(NpgsqlConnection c, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {PostgresSchema.ChainColumns} FROM events ORDER BY position", c);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            yield return PostgresSchema.ReadLink(reader);
    }

    // The batch is committed whatever happens here: a failed seal is left to the next one.
    private async Task SealAfterCommitAsync(NpgsqlConnection c, CancellationToken ct)
    {
        try
        {
            await SealAsync(c, waitForLock: false, ct).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A fresh session is the one sure way back to a clean state (as for a failed batch).
            await DropWriterAsync().ConfigureAwait(false);
        }
    }

    /// Seals the stable rows after the last sealed one, a page per transaction, until none are left.
    private static async Task SealAsync(NpgsqlConnection c, bool waitForLock, CancellationToken ct)
    {
        while (true)
        {
            await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            var (locked, tip, rows) = await LockAndReadUnsealedAsync(c, waitForLock, ct).ConfigureAwait(false);
            if (!locked) return;

            var positions = new List<long>(rows.Count);
            var hashes = new List<byte[]>(rows.Count);
            var stuck = false;
            foreach (var row in rows)
            {
                if (row.Fields is null)
                {
                    stuck = true;
                    break;
                }
                tip = tip.Next(row.Fields);
                positions.Add(row.Position.Value);
                hashes.Add(tip.Hash);
            }

            if (positions.Count > 0)
            {
                await using var update = new NpgsqlCommand("""
                    UPDATE events AS e SET hash = u.hash
                    FROM unnest(@positions, @hashes) AS u(position, hash)
                    WHERE e.position = u.position AND e.hash IS NULL
                    """, c)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<long[]>("positions", positions.ToArray()),
                        new NpgsqlParameter<byte[][]>("hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = hashes.ToArray() },
                    },
                };
                await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
            if (stuck || rows.Count < SealPage) return;
        }
    }

    // One round trip: take the seal lock, then (each statement with a snapshot taken after the lock was
    // granted, so it sees everything the previous sealer committed) read the last sealed link and the
    // stable rows after it.
    private static async Task<(bool Locked, ChainTip Tip, List<StoredLink> Rows)> LockAndReadUnsealedAsync(
        NpgsqlConnection c, bool waitForLock, CancellationToken ct)
    {
        const string lastSealed = "SELECT position, hash FROM events WHERE hash IS NOT NULL ORDER BY position DESC LIMIT 1";
        const string lastSealedPosition = "SELECT position FROM events WHERE hash IS NOT NULL ORDER BY position DESC LIMIT 1";
        var takeLock = waitForLock
            ? $"SELECT true FROM (SELECT pg_advisory_xact_lock({PostgresSchema.SealLockKey})) AS locked"
            : $"SELECT pg_try_advisory_xact_lock({PostgresSchema.SealLockKey})";
        await using var batch = new NpgsqlBatch(c)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SET LOCAL synchronous_commit = off"),
                new NpgsqlBatchCommand(takeLock),
                new NpgsqlBatchCommand(lastSealed),
                new NpgsqlBatchCommand($"""
                    SELECT {PostgresSchema.ChainColumns} FROM events
                    WHERE position > coalesce(({lastSealedPosition}), 0)
                      AND {PostgresSchema.BelowOldestInFlight}
                    ORDER BY position LIMIT {SealPage}
                    """),
            },
        };
        await using var r = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await r.ReadAsync(ct).ConfigureAwait(false);
        var locked = r.GetBoolean(0);
        await r.NextResultAsync(ct).ConfigureAwait(false);
        var tip = await r.ReadAsync(ct).ConfigureAwait(false)
            ? ChainTip.Of(new LogPosition(r.GetInt64(0)), r.GetFieldValue<byte[]>(1))
            : ChainTip.Genesis;
        await r.NextResultAsync(ct).ConfigureAwait(false);
        var rows = new List<StoredLink>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            rows.Add(PostgresSchema.ReadLink(r));
        return (locked, tip, rows);
    }
}
