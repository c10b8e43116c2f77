using System.Data.Common;
using System.Security.Cryptography;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Api.Workflows;

/// A claim's file, checked and hashed.
public sealed record AttachmentFile(string Name, AttachmentContent.Kind Kind, byte[] Content)
{
    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(Content));
}

public sealed record StoredAttachment(string MediaType, byte[] Content, bool Intact);

/// Attachments in the store's own database (one backup holds the log and the files), addressed by their
/// SHA-256: written before the claim event that names them, so a claim never refers to a missing file;
/// the same file sent twice is stored once. A file whose claim was then refused stays unreferenced and
/// unreadable (downloads go through a claim that names it).
public sealed class AttachmentStore(IEventStore store)
{
    private const string Table = "claim_files";
    private readonly ReadModelDatabase _database = ReadModelDatabase.For(store);
    private readonly SemaphoreSlim _schema = new(1, 1);
    private volatile bool _ready;

    public async Task SaveAsync(IReadOnlyList<AttachmentFile> files, CancellationToken ct)
    {
        if (files.Count == 0) return;
        await EnsureTableAsync(ct).ConfigureAwait(false);
        await using var c = await _database.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var sql = new Sql(c, tx))
        {
            foreach (var f in files.DistinctBy(f => f.Sha256))
                await sql.ExecuteAsync($"""
                    INSERT INTO {Table} (sha256, media_type, size, content) VALUES (@h, @t, @s, @c) ON CONFLICT (sha256) DO NOTHING
                    """, ct, ("@h", f.Sha256), ("@t", f.Kind.MediaType), ("@s", (long)f.Content.Length), ("@c", f.Content)).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// The file with this hash, re-hashed as read: Intact is false if the bytes in the database no longer
    /// match the hash the claim event recorded (the chain covers the event, the hash covers the file).
    public async Task<StoredAttachment?> ReadAsync(string sha256, CancellationToken ct)
    {
        await EnsureTableAsync(ct).ConfigureAwait(false);
        await using var c = await _database.OpenAsync(ct).ConfigureAwait(false);
        await using var sql = new Sql(c);
        var rows = await sql.QueryAsync($"SELECT media_type, content FROM {Table} WHERE sha256 = @h",
            r => (MediaType: r.GetString(0), Content: (byte[])r.GetValue(1)), ct, ("@h", sha256)).ConfigureAwait(false);
        if (rows.Count == 0) return null;
        var (mediaType, content) = rows[0];
        return new StoredAttachment(mediaType, content, Convert.ToHexStringLower(SHA256.HashData(content)) == sha256);
    }

    private async Task EnsureTableAsync(CancellationToken ct)
    {
        if (_ready) return;
        await _schema.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_ready) return;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var c = await _database.OpenAsync(ct).ConfigureAwait(false);
                    await using var sql = new Sql(c);
                    // BYTEA: PostgreSQL's binary type; SQLite keeps a blob in a column of any declared type.
                    await sql.ExecuteAsync($"""
                        CREATE TABLE IF NOT EXISTS {Table} (sha256 TEXT PRIMARY KEY, media_type TEXT NOT NULL, size BIGINT NOT NULL, content BYTEA NOT NULL)
                        """, ct).ConfigureAwait(false);
                    break;
                }
                catch (DbException) when (attempt < 3)
                {
                    // Another process creating it at the same instant (PostgreSQL's IF NOT EXISTS is not atomic).
                }
            }
            _ready = true;
        }
        finally
        {
            _schema.Release();
        }
    }
}
