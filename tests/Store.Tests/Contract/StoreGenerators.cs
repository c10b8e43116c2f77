using FsCheck;
using FsCheck.Fluent;

namespace PointsEngine.Store.Tests.Contract;

// Commands are symbolic: they name streams by index, earlier batches by index and expectations by kind
// ("the right revision", "a wrong one"), and are resolved against the reference model when run. So any
// subsequence of a generated sequence is still meaningful, which lets FsCheck shrink by dropping commands.

public enum ExpectedKind { Any, NoStream, ExactRight, ExactWrong }

public abstract record StoreCommand;

/// <param name="WrongBy">For <see cref="ExpectedKind.ExactWrong"/>: how far from the actual revision.</param>
public sealed record AppendCommand(int Stream, ExpectedKind Expected, int WrongBy, BatchSpec Batch) : StoreCommand;

public sealed record ReadStreamCommand(int Stream, int From, int MaxCount) : StoreCommand;

/// <param name="AfterIndex">Read after the model log's event at this index (mod its length + 1; 0 is the start).</param>
public sealed record ReadAllCommand(int AfterIndex, int MaxCount) : StoreCommand;

public abstract record BatchSpec;

public sealed record FreshBatch(int Count) : BatchSpec;

public sealed record EmptyBatch : BatchSpec;

/// An earlier batch (by index, mod the number sent so far) sent again exactly. With <paramref name="ToItsOwnStream"/>
/// it goes where it went first; otherwise to the command's stream, which may be another one.
public sealed record ResendBatch(int Earlier, bool ToItsOwnStream) : BatchSpec;

/// Part of an earlier batch (a run of it, maybe reversed), as a retry that lost some events.
public sealed record SliceOfBatch(int Earlier, int Start, int Length, bool Reversed) : BatchSpec;

/// Some of an earlier batch's events mixed with new ones: never a faithful retry once the earlier batch is committed.
public sealed record PartialDuplicate(int Earlier, int Keep, int New, bool NewFirst) : BatchSpec;

public static class StoreGenerators
{
    public const int Streams = 3;

    private static readonly int[] MaxCounts = [0, 1, 2, 3, int.MaxValue];

    public static Gen<BatchSpec> Batch() =>
        Gen.Frequency(
            (6, Gen.Choose(1, 4).Select(n => (BatchSpec)new FreshBatch(n))),
            (1, Gen.Constant((BatchSpec)new EmptyBatch())),
            (3, from earlier in Gen.Choose(0, 50)
                from own in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
                select (BatchSpec)new ResendBatch(earlier, own)),
            (1, from earlier in Gen.Choose(0, 50)
                from start in Gen.Choose(0, 3)
                from length in Gen.Choose(1, 3)
                from reversed in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
                select (BatchSpec)new SliceOfBatch(earlier, start, length, reversed)),
            (2, from earlier in Gen.Choose(0, 50)
                from keep in Gen.Choose(1, 3)
                from fresh in Gen.Choose(1, 2)
                from newFirst in Gen.Elements(true, false)
                select (BatchSpec)new PartialDuplicate(earlier, keep, fresh, newFirst)));

    public static Gen<StoreCommand> Append() =>
        from stream in Gen.Choose(0, Streams - 1)
        from expected in Gen.Frequency(
            (3, Gen.Constant(ExpectedKind.Any)),
            (2, Gen.Constant(ExpectedKind.NoStream)),
            (4, Gen.Constant(ExpectedKind.ExactRight)),
            (2, Gen.Constant(ExpectedKind.ExactWrong)))
        from wrongBy in Gen.Elements(-2, -1, 1, 2)
        from batch in Batch()
        select (StoreCommand)new AppendCommand(stream, expected, wrongBy, batch);

    public static Gen<StoreCommand> Read() =>
        Gen.OneOf(
            from stream in Gen.Choose(0, Streams - 1)
            from start in Gen.Choose(0, 6)
            from max in Gen.Elements(MaxCounts)
            select (StoreCommand)new ReadStreamCommand(stream, start, max),
            from after in Gen.Choose(0, 40)
            from max in Gen.Elements(MaxCounts)
            select (StoreCommand)new ReadAllCommand(after, max));

    public static Gen<StoreCommand> Command() => Gen.Frequency((4, Append()), (1, Read()));

    public static Gen<StoreCommand[]> Sequence(int maxLength) =>
        Gen.Choose(0, maxLength).SelectMany(n => Gen.ArrayOf(Command(), n));

    /// Shrinks by dropping one command at a time (commands stay meaningful, see above).
    public static IEnumerable<StoreCommand[]> Shrink(StoreCommand[] commands) =>
        Enumerable.Range(0, commands.Length).Select(i => commands.Where((_, k) => k != i).ToArray());

    public static Arbitrary<StoreCommand[]> Sequences(int maxLength) => Arb.From(Sequence(maxLength), Shrink);
}
