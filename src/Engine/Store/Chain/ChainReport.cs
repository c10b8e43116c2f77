using System.Globalization;

namespace PointsEngine.Store.Chain;

/// A store whose events carry a hash chain (see <see cref="EventChain"/>) and can check it.
public interface IChainVerifiable
{
    /// Seals what can be sealed, then walks the whole log in position order, recomputing every hash.
    /// Reads only: it never repairs a broken link.
    Task<ChainReport> VerifyChainAsync(ChainVerifyOptions? options = null, CancellationToken ct = default);
}

public sealed record ChainVerifyOptions
{
    /// A head an operator recorded from an earlier report. The chain alone cannot tell that the newest
    /// events were deleted, or that every hash was recomputed after an edit; this can.
    public ChainHead? ExpectedHead { get; init; }

    /// Called with the number of events walked so far, every <see cref="ProgressEvery"/> events and at the end.
    public Action<long>? Progress { get; init; }

    public long ProgressEvery { get; init; } = 10_000;

    /// Most breaks listed in the report (all are counted): a rewritten table would otherwise list millions.
    public int MaxBreaks { get; init; } = 100;
}

/// The last sealed event and its hash: what an operator records to check a later verify against.
public sealed record ChainHead
{
    public LogPosition Position { get; }

    /// Lower-case hex, 64 characters.
    public string Hash { get; }

    public ChainHead(LogPosition position, string hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (hash.Length != EventChain.HashLength * 2 || !hash.All(char.IsAsciiHexDigit))
            throw new ArgumentException($"A chain hash is {EventChain.HashLength * 2} hex digits.", nameof(hash));
        Position = position;
        Hash = hash.ToLowerInvariant();
    }

    public ChainHead(LogPosition position, ReadOnlySpan<byte> hash) : this(position, Convert.ToHexStringLower(hash))
    {
    }

    /// "position:hash", the form to write down; <see cref="Parse"/> reads it back.
    public override string ToString() => $"{Position}:{Hash}";

    public static ChainHead Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var position))
            throw new FormatException($"A chain head reads 'position:hash', not '{text}'.");
        return new ChainHead(new LogPosition(position), text[(colon + 1)..]);
    }
}

/// What a broken link says about the damage, as far as the chain can tell.
public enum ChainDamage
{
    /// The event's stored fields no longer hash to its stored hash (or can no longer be read).
    ContentEdited,

    /// The event's stored hash was changed or removed; its fields still chain onto its predecessor.
    HashEdited,

    /// Positions right before the event are missing. Only said where positions have no gaps (SQLite).
    PredecessorDeleted,

    /// Positions before the event are missing and its link fails, on a backend where rolled-back
    /// transactions also leave gaps (PostgreSQL): it was edited, or events before it were deleted.
    EditedOrPredecessorDeleted,

    /// The event's fields hash correctly at another position: it was moved or swapped with the event there.
    Reordered,

    /// The event at the recorded head is gone: the newest events were deleted.
    Truncated,

    /// The event at the recorded head carries another hash: the chain up to it was rewritten.
    HeadRewritten,
}

/// One broken link, named by the event where the chain stops holding.
public sealed record ChainBreak(
    LogPosition Position,
    ChainDamage Damage,
    string? Stream,
    StreamRevision? Revision,
    Guid? EventId,
    string Detail)
{
    public override string ToString() =>
        EventId is { } id
            ? $"position {Position} ({Stream}@{Revision}, event {id}): {Damage}: {Detail}"
            : $"position {Position}: {Damage}: {Detail}";
}

public sealed record ChainReport(
    long EventsChecked,
    long EventsUnsealed,
    ChainHead? Head,
    IReadOnlyList<ChainBreak> Breaks,
    long BreaksFound)
{
    /// Every sealed link holds (and the recorded head, if given, is still there). Events not sealed yet
    /// (PostgreSQL: committed after a transaction still in flight) are not counted against it.
    public bool IsIntact => BreaksFound == 0;
}
