namespace PointsEngine.Domain.Values;

public enum PeriodKind { Month, Quarter, Year }

/// A calendar month, quarter or year: the scope of caps, bonuses and the yearly reset.
public readonly record struct Period
{
    public Period(PeriodKind kind, int year, int index = 1)
    {
        if (year is < 1900 or > 9999) throw new ArgumentOutOfRangeException(nameof(year), year, "Year must lie in 1900–9999 / 年份超出范围.");
        var max = kind switch { PeriodKind.Month => 12, PeriodKind.Quarter => 4, _ => 1 };
        if (index < 1 || index > max) throw new ArgumentOutOfRangeException(nameof(index), index, $"A {kind} index lies in 1–{max} / 序号超出范围.");
        Kind = kind;
        Year = year;
        Index = index;
    }

    public PeriodKind Kind { get; }
    public int Year { get; }
    public int Index { get; }

    public static Period YearOf(int year) => new(PeriodKind.Year, year);
    public static Period QuarterOf(int year, int quarter) => new(PeriodKind.Quarter, year, quarter);
    public static Period MonthOf(int year, int month) => new(PeriodKind.Month, year, month);

    public static Period Containing(DateOnly date, PeriodKind kind) => kind switch
    {
        PeriodKind.Month => MonthOf(date.Year, date.Month),
        PeriodKind.Quarter => QuarterOf(date.Year, QuarterNumber(date)),
        _ => YearOf(date.Year),
    };

    public static int QuarterNumber(DateOnly date) => (date.Month - 1) / 3 + 1;

    public DateOnly Start => Kind switch
    {
        PeriodKind.Month => new DateOnly(Year, Index, 1),
        PeriodKind.Quarter => new DateOnly(Year, (Index - 1) * 3 + 1, 1),
        _ => new DateOnly(Year, 1, 1),
    };

    public DateOnly End => Kind switch
    {
        PeriodKind.Month => Start.AddMonths(1).AddDays(-1),
        PeriodKind.Quarter => Start.AddMonths(3).AddDays(-1),
        _ => new DateOnly(Year, 12, 31),
    };

    public bool Contains(DateOnly date) => date >= Start && date <= End;

    /// A compact key, unique per period: 2025001 is the year 2025, 2025103 its third quarter, 2025211 November.
    public int Key => Year * 1000 + Kind switch { PeriodKind.Year => 0, PeriodKind.Quarter => 100, _ => 200 } + Index;

    public override string ToString() => Kind switch
    {
        PeriodKind.Month => $"{Year}-{Index:00}",
        PeriodKind.Quarter => $"{Year}-Q{Index}",
        _ => $"{Year}",
    };
}
