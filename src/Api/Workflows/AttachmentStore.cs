using PointsEngine.Api.Hosting;
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
/// the same file sent twice is stored once. When the claim's append is then refused or fails, the files
/// this request added are deleted again (#16 finding 2.5) — unless another submission in this process sent
/// the same file meanwhile (its claim may name it). Across processes sharing one PostgreSQL database that
/// last case is not seen, and such a file stays (unreferenced and unreadable: downloads go through a claim).
public sealed class AttachmentStore(IEventStore store)
{
    /// The files one request added (not those already stored), which it may take back.
    public sealed class Saved(IReadOnlyList<string> added)
    {
        internal IReadOnlyList<string> Added { get; } = added;
    }

    private const string Table = "claim_files";
    // BYTEA: PostgreSQL's binary type; SQLite keeps a blob in a column of any declared type.
    private readonly StoreTable _table = new(store,
        $"CREATE TABLE IF NOT EXISTS {Table} (sha256 TEXT PRIMARY KEY, media_type TEXT NOT NULL, size BIGINT NOT NULL, content BYTEA NOT NULL)");
    // Saving and discarding take turns, so a file cannot be found present by one request and deleted by another in between.
    private readonly SemaphoreSlim _files = new(1, 1);
    // The files added by a request that may still take them back, by hash.
    private readonly Dictionary<string, Saved> _revocable = new(StringComparer.Ordinal);

    public async Task<Saved> SaveAsync(IReadOnlyList<AttachmentFile> files, CancellationToken ct)
    {
        if (files.Count == 0) return new Saved([]);
        await _files.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var added = new List<string>();
            await using var c = await _table.OpenAsync(ct).ConfigureAwait(false);
            await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var sql = new Sql(c, tx))
            {
                foreach (var f in files.DistinctBy(f => f.Sha256))
                {
                    var rows = await sql.ExecuteAsync($"""
                        INSERT INTO {Table} (sha256, media_type, size, content) VALUES (@h, @t, @s, @c) ON CONFLICT (sha256) DO NOTHING
                        """, ct, ("@h", f.Sha256), ("@t", f.Kind.MediaType), ("@s", (long)f.Content.Length), ("@c", f.Content)).ConfigureAwait(false);
                    if (rows == 1) added.Add(f.Sha256);
                    // Present already: if a request still pending added it, that request may no longer take it back.
                    else _revocable.Remove(f.Sha256);
                }
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
            var saved = new Saved(added);
            foreach (var h in added) _revocable[h] = saved;
            return saved;
        }
        finally
        {
            _files.Release();
        }
    }

    /// The request that saved these is answered: it can take nothing back any more (its claim was recorded,
    /// or the files were discarded already).
    public async Task SettleAsync(Saved saved)
    {
        await _files.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var h in saved.Added)
                if (_revocable.TryGetValue(h, out var owner) && owner == saved) _revocable.Remove(h);
        }
        finally
        {
            _files.Release();
        }
    }

    /// Deletes the files <paramref name="saved"/> added that no other submission has sent since.
    public async Task DiscardAsync(Saved saved, CancellationToken ct)
    {
        await _files.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var mine = saved.Added.Where(h => _revocable.TryGetValue(h, out var owner) && owner == saved).ToList();
            foreach (var h in mine) _revocable.Remove(h);
            if (mine.Count == 0) return;
            await using var c = await _table.OpenAsync(ct).ConfigureAwait(false);
            await using var sql = new Sql(c);
            foreach (var h in mine)
                await sql.ExecuteAsync($"DELETE FROM {Table} WHERE sha256 = @h", ct, ("@h", h)).ConfigureAwait(false);
        }
        finally
        {
            _files.Release();
        }
    }

    /// The file with this hash, re-hashed as read: Intact is false if the bytes in the database no longer
    /// match the hash the claim event recorded (the chain covers the event, the hash covers the file).
    public async Task<StoredAttachment?> ReadAsync(string sha256, CancellationToken ct)
    {
        await using var c = await _table.OpenAsync(ct).ConfigureAwait(false);
        await using var sql = new Sql(c);
        var rows = await sql.QueryAsync($"SELECT media_type, content FROM {Table} WHERE sha256 = @h",
            r => (MediaType: r.GetString(0), Content: (byte[])r.GetValue(1)), ct, ("@h", sha256)).ConfigureAwait(false);
        if (rows.Count == 0) return null;
        var (mediaType, content) = rows[0];
        return new StoredAttachment(mediaType, content, Convert.ToHexStringLower(SHA256.HashData(content)) == sha256);
    }
}
