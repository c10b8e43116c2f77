using FsCheck;
using FsCheck.Fluent;

namespace PointsEngine.Store.Tests.Chain;

// Symbolic: event indices are taken modulo the log's length when a case runs, so every case is meaningful.

/// One event of a random log: its stream, whether it joins the previous event's batch, its metadata.
public sealed record EventSpec(int Stream, bool JoinsPreviousBatch, bool Correlated, bool Caused, int Minutes);

public abstract record Tampering;

public sealed record EditField(int Event, ChainField Field) : Tampering;

public sealed record DeleteEvent(int Event) : Tampering;

public sealed record SwapPayloads(int First, int Offset) : Tampering;

public sealed record SwapEvents(int First, int Offset) : Tampering;

public sealed record TamperingCase(EventSpec[] Log, Tampering Tampering)
{
    public override string ToString() =>
        $"{Tampering} on a log of {Log.Length} events [{string.Join(", ", Log.Select(e => $"s{e.Stream}{(e.JoinsPreviousBatch ? "+" : "")}"))}]";
}

public static class ChainGenerators
{
    public static Gen<EventSpec> Event() =>
        from stream in Gen.Choose(0, 2)
        from joins in Gen.Elements(false, false, true)
        from correlated in Gen.Elements(true, false)
        from caused in Gen.Elements(true, false)
        from minutes in Gen.Choose(-100_000, 100_000)
        select new EventSpec(stream, joins, correlated, caused, minutes);

    public static Gen<Tampering> Tampering() =>
        Gen.Frequency(
            (6, from e in Gen.Choose(0, 99)
                from field in Gen.Elements(Enum.GetValues<ChainField>())
                select (Tampering)new EditField(e, field)),
            (3, Gen.Choose(0, 99).Select(e => (Tampering)new DeleteEvent(e))),
            (1, from e in Gen.Choose(0, 99) from offset in Gen.Choose(0, 99) select (Tampering)new SwapPayloads(e, offset)),
            (1, from e in Gen.Choose(0, 99) from offset in Gen.Choose(0, 99) select (Tampering)new SwapEvents(e, offset)));

    public static Arbitrary<TamperingCase> Cases() =>
        (from length in Gen.Choose(1, 12)
         from log in Gen.ArrayOf(Event(), length)
         from tampering in Tampering()
         select new TamperingCase(log, tampering)).ToArbitrary();
}
