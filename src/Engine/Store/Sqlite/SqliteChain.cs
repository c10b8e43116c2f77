using Microsoft.Data.Sqlite;
using PointsEngine.Store.Chain;

namespace PointsEngine.Store.Sqlite;

/// The tamper-evidence chain on SQLite (see EventChain). The writer hashes each event as it inserts it,
/// onto the tip it reads at the start of every write transaction. Reading the tip there, under the write
/// lock, rather than keeping it in memory between batches, keeps it right when a batch fails and rolls
/// back, and when another process's store writes to the same file between our batches.
///
/// Sealing, i.e. hashing rows after the last hashed one in position order, only has work to do for rows
/// written before the hash column existed (done at open) or by a writer that does not know the chain.
internal static class SqliteChain
{
    private const int SealPage = 5_000;

    /// Where the next event goes and the hash it links onto. Call inside a write transaction.
    public static ChainTip Tip(SqliteConnection c)
    {
        LogPosition last;
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT position, hash FROM events ORDER BY position DESC LIMIT 1";
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return ChainTip.Genesis;
            last = new LogPosition(r.GetInt64(0));
            if (!r.IsDBNull(1)) return ChainTip.Of(last, r.GetFieldValue<byte[]>(1));
        }

        // An unsealed tail: seal it first. If a row in it cannot be read (a direct edit), the chain goes on
        // from the last row sealed before it, and verify names that row.
        var (sealedTip, _) = SealTail(c, int.MaxValue);
        return sealedTip with { Position = last };
    }

    /// Seals every unsealed row at the end of the log, one write transaction per page.
    public static async Task SealAsync(SqliteConnection c, CancellationToken ct)
    {
        if (LastRowIsSealed(c)) return;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            int count;
            bool complete;
            await ExecAsync(c, "BEGIN IMMEDIATE;", ct).ConfigureAwait(false);
            try
            {
                (_, complete) = SealTail(c, SealPage, out count);
                await ExecAsync(c, "COMMIT;", ct).ConfigureAwait(false);
            }
            catch
            {
                try { await ExecAsync(c, "ROLLBACK;", CancellationToken.None).ConfigureAwait(false); }
                catch (SqliteException) { /* no transaction left to roll back */ }
                throw;
            }
            if (complete || count == 0) return;
        }
    }

    private static bool LastRowIsSealed(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT hash IS NOT NULL FROM events ORDER BY position DESC LIMIT 1";
        return cmd.ExecuteScalar() is not long sealedFlag || sealedFlag == 1;
    }

    private static (ChainTip Tip, bool Complete) SealTail(SqliteConnection c, int maxRows) =>
        SealTail(c, maxRows, out _);

    /// Hashes up to <paramref name="maxRows"/> rows after the last sealed one, in position order, stopping
    /// before a row that cannot be read. Returns the new last sealed link, and whether the tail is done.
    private static (ChainTip Tip, bool Complete) SealTail(SqliteConnection c, int maxRows, out int count)
    {
        var tip = LastSealed(c);
        var rows = new List<StoredLink>();
        using (var read = c.CreateCommand())
        {
            read.CommandText = $"SELECT {SqliteSchema.ChainColumns} FROM events WHERE position > $p ORDER BY position LIMIT $n";
            read.Parameters.AddWithValue("$p", tip.Position.Value);
            read.Parameters.AddWithValue("$n", maxRows);
            using var r = read.ExecuteReader();
            while (r.Read()) rows.Add(SqliteSchema.ReadLink(r));
        }

        count = 0;
        using var update = c.CreateCommand();
        update.CommandText = "UPDATE events SET hash = $h WHERE position = $p";
        var hashParameter = update.Parameters.Add(new SqliteParameter { ParameterName = "$h" });
        var positionParameter = update.Parameters.Add(new SqliteParameter { ParameterName = "$p" });
        foreach (var row in rows)
        {
            if (row.Fields is null) return (tip, true);
            tip = tip.Next(row.Fields);
            hashParameter.Value = tip.Hash;
            positionParameter.Value = row.Position.Value;
            update.ExecuteNonQuery();
            count++;
        }
        return (tip, rows.Count < maxRows);
    }

    private static ChainTip LastSealed(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT position, hash FROM events WHERE hash IS NOT NULL ORDER BY position DESC LIMIT 1";
        using var r = cmd.ExecuteReader();
        return r.Read() ? ChainTip.Of(new LogPosition(r.GetInt64(0)), r.GetFieldValue<byte[]>(1)) : ChainTip.Genesis;
    }

    private static async Task ExecAsync(SqliteConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
