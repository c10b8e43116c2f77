using PointsEngine.Api.Hosting;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Api.Web;

/// A rule-set draft being edited, as its owner last saved it.
public sealed record RuleDraft(string Owner, string Document, DateTimeOffset SavedAt);

/// Each admin's rule-set draft (#20), one per admin, kept until it is published or discarded. A draft is not a
/// fact: it changes with every save, may be invalid, and scores nothing, so it is not in the log (which keeps
/// only what happened, for ever, and feeds the scoring). It lives in a table of the store's own database, like
/// the claims' files: it survives a restart, every engine process sharing the database sees the same draft,
/// and one backup holds it with the log. Publishing appends one RuleSetPublished fact and only then removes
/// the draft, so nothing is ever half-published: the draft either still exists or the fact does (or both,
/// until the removal, which a repeated publish recognises by its key).
public sealed class RuleDrafts(IEventStore store)
{
    /// Larger than any rule set a branch needs (the shipped one is ~10 KB); a draft beyond it is refused.
    public const int MaxLength = 256 * 1024;

    private const string Table = "rule_drafts";
    private readonly StoreTable _table = new(store, $"CREATE TABLE IF NOT EXISTS {Table} (owner TEXT PRIMARY KEY, document TEXT NOT NULL, saved_at TEXT NOT NULL)");

    public async Task<RuleDraft?> FindAsync(string owner, CancellationToken ct)
    {
        await using var c = await _table.OpenAsync(ct).ConfigureAwait(false);
        await using var sql = new Sql(c);
        var rows = await sql.QueryAsync($"SELECT document, saved_at FROM {Table} WHERE owner = @o",
            r => new RuleDraft(owner, r.GetString(0), DateTimeOffset.Parse(r.GetString(1), System.Globalization.CultureInfo.InvariantCulture)), ct, ("@o", owner)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task SaveAsync(string owner, string document, DateTimeOffset at, CancellationToken ct)
    {
        if (document.Length > MaxLength) throw new ArgumentOutOfRangeException(nameof(document), "The draft is longer than RuleDrafts.MaxLength.");
        await using var c = await _table.OpenAsync(ct).ConfigureAwait(false);
        await using var sql = new Sql(c);
        await sql.ExecuteAsync($"""
            INSERT INTO {Table} (owner, document, saved_at) VALUES (@o, @d, @t)
            ON CONFLICT (owner) DO UPDATE SET document = excluded.document, saved_at = excluded.saved_at
            """, ct, ("@o", owner), ("@d", document), ("@t", at.ToString("O", System.Globalization.CultureInfo.InvariantCulture))).ConfigureAwait(false);
    }

    public async Task DiscardAsync(string owner, CancellationToken ct)
    {
        await using var c = await _table.OpenAsync(ct).ConfigureAwait(false);
        await using var sql = new Sql(c);
        await sql.ExecuteAsync($"DELETE FROM {Table} WHERE owner = @o", ct, ("@o", owner)).ConfigureAwait(false);
    }
}
