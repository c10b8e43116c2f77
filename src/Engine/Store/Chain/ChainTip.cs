namespace PointsEngine.Store.Chain;

/// The last sealed event: where the chain continues from, and the hash the next event links onto.
internal readonly record struct ChainTip(LogPosition Position, byte[] Hash)
{
    public static ChainTip Genesis => new(LogPosition.Start, EventChain.Genesis.ToArray());

    /// A stored hash of the wrong size (only a direct edit makes one) cannot be linked onto: the chain then
    /// continues from zeros, and verify names the damaged event.
    public static ChainTip Of(LogPosition position, byte[]? storedHash) =>
        new(position, storedHash is { Length: EventChain.HashLength } ? storedHash : EventChain.Genesis.ToArray());

    public ChainTip Next(ChainedFields fields) => new(fields.Position, EventChain.Link(Hash, fields));
}
